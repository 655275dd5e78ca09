package org.kernellib.mp.shared.memory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The private directory of this JVM: shared-memory files and managers' sockets live here.
 *
 * <p>It is {@code <base>/kernel-lib-<pid>-<startMillis>-<random>}, where base is {@code /dev/shm}
 * when that is a writable directory (memory-backed, so mapped files never touch a disk) and
 * {@code java.io.tmpdir} otherwise. Another local user must not be able to take it over: if they
 * could create it first (mode 0777, or as a link to a directory of theirs), they could replace a
 * manager's socket and feed this user's processes classes and objects to run. So the name ends in 64
 * random bits that no one can predict, the directory is created exclusively (an existing path of
 * that name, even a dangling link, makes creation fail and another name is drawn, never reused),
 * and what was created is checked with {@link PrivatePaths}: a real directory, owned by this
 * process's uid, mode 0700. Anything else stops kernel-lib with an error saying what is wrong.
 *
 * <p>It is removed with everything in it when this JVM exits normally. A JVM that is SIGKILLed
 * cannot clean up; the next JVM that creates its own directory, and every notebook kernel as it
 * starts, therefore sweeps every {@code kernel-lib-*} directory of this user whose creator is dead
 * (pid and start time in the name, so the judgement survives PID reuse), first unlinking the
 * named {@link SharedMemory} blocks that directory lists ({@link CreatedBlocks}). Directories of
 * other users are never touched.
 */
public final class RuntimeDir {
    /** Name prefix shared by every runtime directory; the sweep matches on it. */
    public static final String PREFIX = "kernel-lib-";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static volatile Path dir;

    private RuntimeDir() {
    }

    /** The directory of this JVM, created (and stale ones swept) on first use. */
    public static Path get() {
        Path d = dir;
        if (d == null) {
            synchronized (RuntimeDir.class) {
                d = dir;
                if (d == null) {
                    d = create();
                    dir = d;
                }
            }
        }
        return d;
    }

    /** Where runtime directories are made: {@code /dev/shm} if usable, else the temp directory. */
    public static Path base() {
        Path shm = Paths.get("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return shm;
        }
        return Paths.get(System.getProperty("java.io.tmpdir"));
    }

    /**
     * A fresh directory name for a process with this pid and start time: the two let the sweep
     * judge whether its owner lives, the random part makes it impossible to create in advance.
     */
    static String nameFor(final long pid, final long startMillis) {
        return PREFIX + pid + "-" + startMillis + "-" + HexFormat.of().toHexDigits(RANDOM.nextLong());
    }

    private static long startMillis(final ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    private static Path create() {
        ProcessHandle self = ProcessHandle.current();
        Path base = base();
        sweepStale(base);
        Path d = createPrivate(base, () -> nameFor(self.pid(), startMillis(self)));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(d), "kernel-lib-rundir-cleanup"));
        return d;
    }

    /**
     * Creates a directory named by {@code names} in {@code base}, exclusively: a name that exists
     * in any form (a directory of anyone, a file, a link) is skipped, never used. Then checks that
     * what was made is a real directory of this user with mode 0700.
     */
    static Path createPrivate(final Path base, final Supplier<String> names) {
        for (int attempt = 0; attempt < 10; attempt++) {
            Path d = base.resolve(names.get());
            try {
                // mkdir(2): fails on any existing entry and never follows a link in the last step.
                Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PrivatePaths.DIRECTORY));
            } catch (FileAlreadyExistsException e) {
                continue;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the runtime directory " + d
                        + "; check that " + base + " is writable", e);
            }
            try {
                Files.setPosixFilePermissions(d, PrivatePaths.DIRECTORY); // exactly 0700, whatever the umask
            } catch (IOException e) {
                throw new UncheckedIOException("cannot set mode 0700 on the runtime directory " + d, e);
            }
            PrivatePaths.requirePrivateDirectory(d, "the runtime directory");
            return d;
        }
        throw new IllegalStateException("cannot create a runtime directory in " + base
                + ": ten fresh random names all existed already, so someone is filling " + base
                + " with kernel-lib-* entries; remove them");
    }

    /**
     * Removes runtime directories whose creator no longer runs: the pid is gone, or the pid now
     * belongs to a process that started at another time.
     */
    public static void sweepStale(final Path base) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(base, PREFIX + "*")) {
            for (Path entry : entries) {
                ownerOf(entry.getFileName().toString()).ifPresent(owner -> {
                    if (isMine(entry) && !isAlive(owner[0], owner[1])) {
                        CreatedBlocks.unlinkListed(entry);
                        deleteTree(entry);
                    }
                });
            }
        } catch (IOException | SecurityException e) {
            // A sweep is best effort: an unreadable base only means stale files stay a while longer.
        }
    }

    /**
     * True when a process with this pid runs and started at this time (to the millisecond). A
     * zombie (dead, not yet reaped by its parent) does not run: its files are as abandoned as
     * those of a reaped process, and a parent may take long to reap it.
     */
    public static boolean isAlive(final long pid, final long startMillis) {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(h -> !isZombie(h.pid()))
                .map(h -> startMillis(h) == startMillis)
                .orElse(false);
    }

    /** Linux: the state letter in /proc/PID/stat, after the parenthesised command name, is Z. */
    private static boolean isZombie(final long pid) {
        try {
            String stat = Files.readString(Paths.get("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'Z';
        } catch (IOException | RuntimeException e) {
            return false; // no /proc (not Linux) or the process just went: let ProcessHandle decide
        }
    }

    /**
     * A real directory (not a link) of this user. Only those are swept: deleting in a tree another
     * user controls could be steered, by links swapped in during the walk, to files of this user.
     */
    private static boolean isMine(final Path entry) {
        try {
            return Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
                    && PrivatePaths.ownerUid(entry) == PrivatePaths.currentUid();
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The pid and start time in {@code kernel-lib-<pid>-<start>[-<random>]}; older names lack the random part. */
    static Optional<long[]> ownerOf(final String name) {
        if (!name.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] parts = name.substring(PREFIX.length()).split("-", -1);
        if (parts.length < 2 || parts.length > 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])});
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Deletes a file tree, ignoring what vanished meanwhile. */
    public static void deleteTree(final Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(final Path d, final IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // Best effort: another process may be sweeping the same tree.
        }
    }
}
