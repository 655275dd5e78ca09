package org.kernellib.mp.shared.testing;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real CPython process for interoperability tests: the project's {@code .venv/bin/python} when
 * it exists, else {@code python3} on the PATH ({@code -Dkernellib.python=...} overrides). The
 * script is given with {@code -c}; stdout is read line by line (the test can answer on stdin),
 * stderr is collected whole, and both are read to their end, so that when the process is done
 * every helper it started that inherited them (Python's resource tracker) is done too.
 */
public final class Python implements AutoCloseable {
    /**
     * Attaching without handing the block to Python's resource tracker, the usage kernel-lib
     * documents for a block Java created: {@code track=False} on 3.13+, else an unregister.
     */
    public static final String ATTACH_UNTRACKED = String.join("\n",
            "import sys",
            "from multiprocessing import resource_tracker, shared_memory",
            "def attach(name):",
            "    if sys.version_info >= (3, 13):",
            "        return shared_memory.SharedMemory(name, track=False)",
            "    shm = shared_memory.SharedMemory(name)",
            "    resource_tracker.unregister(shm._name, 'shared_memory')",
            "    return shm",
            "def attach_list(name):",
            "    sl = shared_memory.ShareableList(name=name)",
            "    resource_tracker.unregister(sl.shm._name, 'shared_memory')",
            "    return sl",
            "");

    private final java.lang.Process process;
    private final BufferedReader stdout;
    private final Writer stdin;
    private final CompletableFuture<String> stderr;

    private Python(final java.lang.Process process) {
        this.process = process;
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        InputStream err = process.getErrorStream();
        this.stderr = CompletableFuture.supplyAsync(() -> {
            try {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                err.transferTo(all);
                return all.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(stderr unreadable: " + e + ")";
            }
        });
    }

    /** The interpreter the tests use. */
    public static String interpreter() {
        String chosen = System.getProperty("kernellib.python");
        if (chosen != null) {
            return chosen;
        }
        for (Path venv : List.of(Paths.get("..", ".venv", "bin", "python"), Paths.get(".venv", "bin", "python"))) {
            if (Files.isExecutable(venv)) {
                return venv.toAbsolutePath().normalize().toString();
            }
        }
        return "python3";
    }

    /** Starts {@code script} with {@code args} as {@code sys.argv[1:]}. */
    public static Python start(final String script, final String... args) {
        List<String> cmd = new ArrayList<>(List.of(interpreter(), "-c", script));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("PYTHONIOENCODING", "utf-8");
        try {
            return new Python(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd.get(0) + "; these tests need Python 3.8 or later", e);
        }
    }

    /** The next line Python printed; fails with its stderr when it ended first. */
    public String readLine() {
        try {
            String line = stdout.readLine();
            if (line == null) {
                throw new AssertionError("python ended before printing a line; exit " + finish() + ", stderr:\n"
                        + stderr.join());
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a line to Python's stdin. */
    public void send(final String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (at most 60 s) for Python and for everything that shares its stderr; returns the exit code. */
    public int finish() {
        try {
            stdin.close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("python did not end within 60 s");
            }
            stderr.get(60, TimeUnit.SECONDS);
            return process.exitValue();
        } catch (Exception e) {
            throw new AssertionError("waiting for python: " + e, e);
        }
    }

    /** Everything Python (and its resource tracker) wrote to stderr; call after {@link #finish()}. */
    public String stderr() {
        return stderr.join();
    }

    /** What a finished script printed: its stdout lines and its whole stderr. */
    public record Result(List<String> out, String err) {
    }

    /** Runs {@code script} to its end, failing unless it exits 0. */
    public static Result run(final String script, final String... args) {
        try (Python p = start(script, args)) {
            List<String> lines = new ArrayList<>();
            String line;
            try {
                while ((line = p.stdout.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            int code = p.finish();
            if (code != 0) {
                throw new AssertionError("python exited with " + code + "; stdout:\n" + String.join("\n", lines)
                        + "\nstderr:\n" + p.stderr());
            }
            return new Result(lines, p.stderr());
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
