package org.kernellib.mp.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.Multiprocessing;
import org.kernellib.mp.process.Process;
import org.kernellib.mp.process.ProcessInfo;

/**
 * A cold pool worker is launched knowing that its task connects back to the pool over a socket,
 * so it readies the JDK's socket support while it boots (see start.WorkerWarmUp); a cold
 * {@code Process} is not, and pays nothing for it.
 */
class PoolColdStartTest {

    @Test
    void coldPoolWorkersAreLaunchedAsConnectingBackAndProcessesAreNot() {
        assumeTrue(Files.isDirectory(Paths.get("/proc/self")), "reads worker command lines from /proc");
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Multiprocessing.setStartMethod("spawn");
            try (Pool pool = new Pool(2)) {
                List<ProcessInfo> workers = pool.workers();
                assertEquals(2, workers.size());
                for (ProcessInfo w : workers) {
                    List<String> argv = commandLine(w.pid());
                    assertEquals(List.of("org.kernellib.mp.start.ChildMain", "spawn", "connects-back"),
                            argv.subList(argv.size() - 3, argv.size()), "worker " + w.pid() + ": " + argv);
                }
                assertEquals(List.of(1, 4, 9), pool.map(x -> x * x, List.of(1, 2, 3)));
            }
            Process p = new Process(() -> Thread.sleep(30_000));
            p.start();
            try {
                List<String> argv = commandLine(p.pid());
                assertEquals("spawn", argv.get(argv.size() - 1), "a process: " + argv);
                assertFalse(argv.contains("connects-back"));
            } finally {
                p.kill();
                p.join();
            }
        });
    }

    /** The argument vector of a running process. */
    private static List<String> commandLine(final long pid) throws IOException {
        String raw = new String(Files.readAllBytes(Paths.get("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
        return Arrays.asList(raw.split("\0"));
    }
}
