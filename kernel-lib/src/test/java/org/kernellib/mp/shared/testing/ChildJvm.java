package org.kernellib.mp.shared.testing;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real worker JVM for tests, standing in for the Process API: runs
 * {@code public static void method(Object[] args)} of a class on the test class path in a fresh
 * JVM, with the arguments Java-serialized and Base64-encoded on its command line. Shared handles
 * among the arguments therefore travel exactly as they will in production.
 *
 * <p>The child's stdout and stderr are merged and collected line by line; tasks talk back by
 * printing lines, which the test awaits with {@link #awaitLine(String, long)}.
 */
public final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> transcript = java.util.Collections.synchronizedList(new ArrayList<>());

    private ChildJvm(final Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    transcript.add(line);
                    lines.add(line);
                }
            } catch (IOException e) {
                // The child went away; the transcript has what it said.
            }
        }, "child-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a child with quick-start JIT settings (tests). */
    public static ChildJvm start(final Class<?> type, final String method, final Object... args) {
        return start(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m", "-Xshare:auto"), type, method, args);
    }

    /** Starts a child with the given JVM options (benchmarks use full JIT). */
    public static ChildJvm start(final List<String> jvmOptions, final Class<?> type, final String method, final Object... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ChildMain.class.getName());
        cmd.add(type.getName());
        cmd.add(method);
        cmd.add(encode(args));
        try {
            return new ChildJvm(new ProcessBuilder(cmd).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String encode(final Object[] args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    /** Waits for a line starting with {@code prefix} and returns the rest of it; fails on timeout or exit. */
    public String awaitLine(final String prefix, final long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        try {
            while (true) {
                long left = deadline - System.currentTimeMillis();
                String line = lines.poll(Math.max(1, Math.min(left, 50)), TimeUnit.MILLISECONDS);
                if (line != null) {
                    if (line.startsWith(prefix)) {
                        return line.substring(prefix.length()).trim();
                    }
                    continue;
                }
                if (!process.isAlive() && lines.isEmpty()) {
                    throw new AssertionError("child exited with " + process.exitValue() + " before printing '"
                            + prefix + "'; it said:\n" + transcript());
                }
                if (left <= 0) {
                    throw new AssertionError("child did not print '" + prefix + "' within " + timeoutMillis
                            + " ms; it said:\n" + transcript());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Waits for exit and returns the exit code; fails on timeout. */
    public int waitFor(final long timeoutMillis) {
        try {
            if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("child did not exit within " + timeoutMillis + " ms; it said:\n" + transcript());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Waits for a successful exit; fails with the transcript otherwise. */
    public void assertSuccess(final long timeoutMillis) {
        int code = waitFor(timeoutMillis);
        if (code != 0) {
            throw new AssertionError("child exited with " + code + "; it said:\n" + transcript());
        }
    }

    /** SIGKILL, and wait until the OS has reaped it. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public long pid() {
        return process.pid();
    }

    public String transcript() {
        synchronized (transcript) {
            return String.join("\n", transcript);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
