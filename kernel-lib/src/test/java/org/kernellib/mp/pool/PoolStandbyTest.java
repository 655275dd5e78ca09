package org.kernellib.mp.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.Multiprocessing;
import org.kernellib.mp.process.ProcessInfo;
import org.kernellib.mp.start.PrestartStarter;
import org.kernellib.mp.start.Starters;

/** Under the prestart start method a pool starts from the starter's standby JVMs. */
class PoolStandbyTest {

    @Test
    void aPoolTakesTheSparesAndRefillsThemAndSpawnDropsThem() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Multiprocessing.setStartMethod("prestart");
            PrestartStarter starter = (PrestartStarter) Starters.current();
            try {
                Pool.prestart(2);
                assertTrue(Pool.awaitSpares(Duration.ofSeconds(30)));
                List<Long> spares = starter.standbyPids();
                assertEquals(2, spares.size());
                try (Pool pool = new Pool(2)) {
                    Set<Long> workers = new HashSet<>();
                    for (ProcessInfo w : pool.workers()) {
                        workers.add(w.pid());
                    }
                    assertEquals(new HashSet<>(spares), workers, "the pool runs on the spares");
                    assertEquals(List.of(1, 4, 9), pool.map(x -> x * x, List.of(1, 2, 3)));
                }
                assertTrue(Pool.awaitSpares(Duration.ofSeconds(30)));
                List<Long> refilled = starter.standbyPids();
                assertEquals(2, refilled.size(), "refilled for the next pool");
                Multiprocessing.setStartMethod("spawn");
                assertEquals(List.of(), starter.standbyPids(), "spawn drops the standbys");
                long end = System.nanoTime() + 3_000_000_000L;
                for (long pid : refilled) {
                    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < end) {
                        Thread.sleep(20);
                    }
                }
                PoolTest.assertNoneAlive(refilled);
            } finally {
                Multiprocessing.setStartMethod("spawn");
            }
        });
    }
}
