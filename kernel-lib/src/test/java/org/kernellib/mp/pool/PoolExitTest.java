package org.kernellib.mp.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.kernellib.mp.shared.memory.RuntimeDir;
import org.junit.jupiter.params.provider.ValueSource;

/** Workers end with the JVM of their pool, whether it exits without closing the pool or is SIGKILLed. */
class PoolExitTest {

    @ParameterizedTest
    @ValueSource(strings = {"exit", "kill"})
    void noWorkerOutlivesItsParentJvm(final String how) {
        assertTimeoutPreemptively(Duration.ofSeconds(40), () -> {
            String java = ProcessHandle.current().info().command().orElse("java");
            java.lang.Process parent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    PoolOrphanMain.class.getName(), how).redirectErrorStream(true).start();
            List<Long> pids = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(parent.getInputStream()))) {
                String line;
                while ((line = r.readLine()) != null && !line.startsWith("worker-pids ")) {
                    // skip anything else
                }
                assertTrue(line != null, "the parent never printed the worker pids");
                for (String p : line.substring("worker-pids ".length()).trim().split(",")) {
                    pids.add(Long.parseLong(p));
                }
                assertEquals(2, pids.size());
                if (how.equals("kill")) {
                    parent.destroyForcibly();
                }
                parent.waitFor();
            }
            long end = System.nanoTime() + 2_000_000_000L;
            for (long pid : pids) {
                while (System.nanoTime() < end && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    Thread.sleep(20);
                }
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                        "worker " + pid + " outlived its parent (" + how + ") by 2 s");
            }
            // A SIGKILLed parent cannot remove its runtime directory; remove it
            // as the next kernel would, so a test run leaves nothing in /dev/shm.
            RuntimeDir.sweepStale(RuntimeDir.base());
        });
    }
}
