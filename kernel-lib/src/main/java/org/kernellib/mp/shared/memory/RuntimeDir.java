package org.kernellib.mp.shared.memory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;

/**
 * The private directory of this JVM: shared-memory files and the pool's socket live here.
 *
 * <p>It is {@code <base>/kernel-lib-<pid>-<startMillis>}, where base is {@code /dev/shm} when that
 * is a writable directory (memory-backed, so mapped files never touch a disk) and
 * {@code java.io.tmpdir} otherwise. The directory is created lazily with mode 0700, so no other
 * user can connect to a socket or map a file in it, and it is removed with everything in it when
 * this JVM exits normally. A JVM that is SIGKILLed cannot clean up; the next JVM that creates its
 * own directory, and every notebook kernel as it starts, therefore sweeps every
 * {@code kernel-lib-*} directory whose creator is dead. The
 * start time in the name makes that judgement survive PID reuse.
 */
public final class RuntimeDir {
    /** Name prefix shared by every runtime directory; the sweep matches on it. */
    public static final String PREFIX = "kernel-lib-";

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

    /** The directory name a live process with this pid and start time owns. */
    static String nameFor(final long pid, final long startMillis) {
        return PREFIX + pid + "-" + startMillis;
    }

    private static long startMillis(final ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    private static Path create() {
        ProcessHandle self = ProcessHandle.current();
        Path base = base();
        sweepStale(base);
        Path d = base.resolve(nameFor(self.pid(), startMillis(self)));
        try {
            if (!Files.isDirectory(d)) {
                Files.createDirectory(d, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the runtime directory " + d
                    + "; check that " + base + " is writable", e);
        }
        final Path created = d;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(created), "kernel-lib-rundir-cleanup"));
        return d;
    }

    /**
     * Removes runtime directories whose creator no longer runs: the pid is gone, or the pid now
     * belongs to a process that started at another time.
     */
    public static void sweepStale(final Path base) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(base, PREFIX + "*")) {
            for (Path entry : entries) {
                ownerOf(entry.getFileName().toString()).ifPresent(owner -> {
                    if (!isAlive(owner[0], owner[1])) {
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

    private static Optional<long[]> ownerOf(final String name) {
        String rest = name.substring(PREFIX.length());
        int dash = rest.indexOf('-');
        if (dash <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new long[] {
                Long.parseLong(rest.substring(0, dash)), Long.parseLong(rest.substring(dash + 1))});
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
