package org.kernellib.mp.shared.memory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

import com.sun.security.auth.module.UnixSystem;

/**
 * Checks that a path is private to this process's user: not a symbolic link, owned by this
 * process's uid, and with no permission bit for group or others. The {@link RuntimeDir} is checked
 * this way once it is made, and a {@link SharedFile} (with its directory) before it is attached, so
 * a path another local user planted, or a link pointing elsewhere, is refused with an error that
 * says what is wrong instead of being trusted.
 *
 * <p>Attributes are read with {@code NOFOLLOW_LINKS}: a link is judged as itself, never as its
 * target.
 */
public final class PrivatePaths {
    /** rwx------ */
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    /** rw------- */
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PrivatePaths() {
    }

    /** The uid this process runs as (and creates files as). */
    public static long currentUid() {
        return Uid.VALUE;
    }

    /** Read once, on first use. */
    private static final class Uid {
        static final long VALUE = read();

        /**
         * Linux: the owner of /proc/self, which is the process's effective uid (a stat, about 0.1 ms).
         * Elsewhere the JDK's UnixSystem, which also works but costs a fresh JVM some 70 ms
         * (it loads a native library and looks up the user's groups).
         */
        private static long read() {
            try {
                return ((Number) Files.getAttribute(Paths.get("/proc/self"), "unix:uid")).longValue();
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return new UnixSystem().getUid();
            }
        }
    }

    /** The uid that owns {@code path} itself (a link is not followed). */
    public static long ownerUid(final Path path) throws IOException {
        return ((Number) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    /**
     * Throws unless {@code dir} is a real directory (not a link), owned by this user, mode 0700
     * exactly. {@code what} names it in the error ("the runtime directory").
     */
    public static void requirePrivateDirectory(final Path dir, final String what) {
        PosixFileAttributes a = attributes(dir, what);
        if (a.isSymbolicLink() || !a.isDirectory()) {
            throw refused(dir, what, a.isSymbolicLink() ? "it is a symbolic link" : "it is not a directory");
        }
        check(dir, what, a, DIRECTORY);
    }

    /**
     * Throws unless {@code dir} is a real directory (not a link) where no other user can remove or
     * rename this user's entries: owned by root or by this user, and either sticky (like
     * {@code /dev/shm} and {@code /tmp}, mode 1777) or writable by its owner alone.
     */
    public static void requireStickyDirectory(final Path dir, final String what) {
        PosixFileAttributes a = attributes(dir, what);
        if (a.isSymbolicLink() || !a.isDirectory()) {
            throw refused(dir, what, a.isSymbolicLink() ? "it is a symbolic link" : "it is not a directory");
        }
        long owner;
        int mode;
        try {
            owner = ownerUid(dir);
            mode = ((Number) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue();
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("cannot read the owner and mode of " + what + " " + dir + ": " + e, e);
        }
        if (owner != 0 && owner != currentUid()) {
            throw refused(dir, what, "it belongs to uid " + owner + ", neither root nor this process's uid "
                    + currentUid());
        }
        boolean sticky = (mode & 01000) != 0;
        boolean othersWrite = (mode & 0022) != 0;
        if (othersWrite && !sticky) {
            throw refused(dir, what, "other users may write to it and it lacks the sticky bit, so they could"
                    + " replace this user's files in it");
        }
    }

    /** The identity of the file at {@code path} itself (device and inode on Linux); a link is not followed. */
    public static Object fileKey(final Path path) {
        try {
            return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (NoSuchFileException e) {
            throw new IllegalStateException(path + " does not exist (any more)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the attributes of " + path, e);
        }
    }

    /**
     * Throws unless {@code file} is a regular file or a socket (not a link, not a directory),
     * owned by this user, with no group or other permission.
     */
    public static void requirePrivateFile(final Path file, final String what) {
        PosixFileAttributes a = attributes(file, what);
        if (a.isSymbolicLink() || a.isDirectory()) {
            throw refused(file, what, a.isSymbolicLink() ? "it is a symbolic link" : "it is a directory");
        }
        check(file, what, a, FILE);
    }

    private static void check(final Path path, final String what, final PosixFileAttributes a,
            final Set<PosixFilePermission> expected) {
        long owner;
        try {
            owner = ownerUid(path);
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("cannot tell who owns " + what + " " + path + ": " + e, e);
        }
        if (owner != currentUid()) {
            throw refused(path, what, "it belongs to uid " + owner + " (" + a.owner().getName()
                    + "), not to this process's uid " + currentUid());
        }
        Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
        open.addAll(a.permissions());
        open.retainAll(GROUP_OR_OTHERS);
        if (!open.isEmpty()) {
            throw refused(path, what, "its mode is " + PosixFilePermissions.toString(a.permissions())
                    + ", which lets other users in (expected " + PosixFilePermissions.toString(expected) + ")");
        }
    }

    private static PosixFileAttributes attributes(final Path path, final String what) {
        try {
            return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException(what + " " + path + " does not exist (any more)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the attributes of " + what + " " + path, e);
        }
    }

    private static SecurityException refused(final Path path, final String what, final String why) {
        return new SecurityException("kernel-lib will not use " + what + " " + path + ": " + why
                + ". Another local user may have created it to take over this process's shared memory;"
                + " remove it, and check who else can write to " + path.getParent());
    }
}
