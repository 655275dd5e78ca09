package org.kernellib.mp.shared.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.kernellib.mp.shared.memory.PrivatePaths;
import org.kernellib.mp.shared.memory.RuntimeDir;

/**
 * Another local user, for tests of what kernel-lib does against one: the {@code nobody} account
 * (uid and gid 65534). Tests that need it run only as root (as CI does) with {@code setpriv}
 * available; {@link #unavailable()} says why not otherwise, for the skip message.
 */
public final class OtherUser {
    public static final int UID = 65534;

    private static String unavailable;
    private static boolean checked;
    private static Path classDir;

    private OtherUser() {
    }

    /** Null when tests can act as another user here, else the reason they cannot. */
    public static synchronized String unavailable() {
        if (!checked) {
            checked = true;
            unavailable = probe();
        }
        return unavailable;
    }

    private static String probe() {
        if (PrivatePaths.currentUid() != 0) {
            return "needs root to act as another user (uid " + UID + "); runs as uid " + PrivatePaths.currentUid();
        }
        try {
            java.lang.Process p = new ProcessBuilder(command("-version")).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "cannot run java as uid " + UID + " with setpriv: " + out.trim();
            }
            return null;
        } catch (IOException e) {
            return "cannot run setpriv (util-linux): " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Starts {@link ImpostorMain} as the other user; close() kills it. */
    public static Impostor impostor(final String... args) throws IOException {
        List<String> a = new ArrayList<>(List.of("-cp", classDir().toString(), ImpostorMain.class.getName()));
        a.addAll(List.of(args));
        return new Impostor(new ProcessBuilder(command(a.toArray(new String[0]))).redirectErrorStream(true).start());
    }

    /** A running {@link ImpostorMain}, its output collected line by line. */
    public static final class Impostor implements AutoCloseable {
        private final java.lang.Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuffer transcript = new StringBuffer();

        Impostor(final java.lang.Process process) {
            this.process = process;
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        transcript.append(line).append('\n');
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // It went away; the transcript has what it said.
                }
            }, "impostor-output");
            t.setDaemon(true);
            t.start();
        }

        /** The first line starting with {@code prefix}; fails after {@code seconds} or when it ends first. */
        public String awaitLine(final String prefix, final long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(50, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith(prefix)) {
                    return line;
                }
                if (line == null && !process.isAlive() && lines.isEmpty()) {
                    break;
                }
            }
            throw new AssertionError("the impostor did not print '" + prefix + "' within " + seconds
                    + " s; it said:\n" + transcript);
        }

        public boolean waitFor(final long seconds) throws InterruptedException {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Makes a directory with mode 0777 that the other user can create entries in. */
    public static Path openDirectory(final String name) throws IOException {
        Path d = Files.createTempDirectory(name);
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
        return d;
    }

    /** Gives {@code path} to the other user (owner and group). */
    public static void chown(final Path path) throws IOException {
        Files.setAttribute(path, "unix:uid", UID);
        Files.setAttribute(path, "unix:gid", UID);
    }

    private static List<String> command(final String... javaArgs) {
        List<String> c = new ArrayList<>(List.of("setpriv", "--reuid=" + UID, "--regid=" + UID, "--clear-groups", "--",
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-XX:-UsePerfData",
                "-XX:TieredStopAtLevel=1"));
        c.addAll(List.of(javaArgs));
        return c;
    }

    /** A copy of ImpostorMain's class file where the other user can read it (the build may be private). */
    private static synchronized Path classDir() throws IOException {
        if (classDir == null) {
            Path d = openDirectory("kernel-lib-impostor-cp");
            String resource = ImpostorMain.class.getName().replace('.', '/') + ".class";
            Path target = d.resolve(resource);
            Files.createDirectories(target.getParent());
            try (InputStream in = ImpostorMain.class.getClassLoader().getResourceAsStream(resource)) {
                Files.copy(in, target);
            }
            try (var s = Files.walk(d)) {
                s.forEach(p -> {
                    try {
                        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                                Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
            Path made = d;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> RuntimeDir.deleteTree(made)));
            classDir = d;
        }
        return classDir;
    }
}
