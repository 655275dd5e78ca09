package org.kernellib.mp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kernellib.mp.manager.Manager;
import org.kernellib.mp.pool.Pool;
import org.kernellib.mp.process.Process;
import org.kernellib.mp.shared.IntValue;
import org.kernellib.mp.shared.queue.Queue;
import org.kernellib.mp.start.PrestartStarter;
import org.kernellib.mp.start.Starters;

/** Contexts choose the start method of their processes and pools, and leave the JVM's alone. */
class ContextTest {

    @AfterEach
    void backToSpawn() {
        Multiprocessing.setStartMethod("spawn");
    }

    @Test
    void aPrestartContextsProcessTakesItsStandbyWhileTheJvmKeepsSpawning() throws Exception {
        Context ctx = Multiprocessing.getContext("prestart");
        assertEquals("prestart", ctx.getStartMethod());
        PrestartStarter starter = (PrestartStarter) Starters.forContext("prestart");
        assertTrue(starter.awaitStandby(60_000), "the context's standby should come up");
        List<Long> standbys = starter.standbyPids();
        Process p = ctx.process(() -> System.out.println("from a standby"));
        assertEquals("prestart", p.startMethod());
        p.start();
        p.join();
        assertEquals(OptionalInt.of(0), p.exitCode());
        assertTrue(standbys.contains(p.pid()), "pid " + p.pid() + " is not one of the standbys " + standbys);
        assertEquals("spawn", Multiprocessing.getStartMethod(), "the JVM's start method is unchanged");
        Process plain = new Process(() -> System.out.println("spawned"));
        assertEquals("spawn", plain.startMethod());
    }

    @Test
    void aSpawnContextLeavesTheJvmsPrestartStandbyAlone() throws Exception {
        Multiprocessing.setStartMethod("prestart");
        PrestartStarter global = (PrestartStarter) Starters.current();
        assertTrue(global.awaitStandby(60_000));
        List<Long> standbys = global.standbyPids();
        Process p = Multiprocessing.getContext("spawn").process("spawned", () -> System.out.println("fresh"));
        p.start();
        p.join();
        assertEquals(OptionalInt.of(0), p.exitCode());
        assertFalse(standbys.contains(p.pid()), "a spawn context's process took the JVM's standby");
        assertEquals(standbys, global.standbyPids(), "the JVM's standby is still there, untouched");
    }

    @Test
    void aContextsPoolStartsItsWorkersByItsMethod() throws Exception {
        Context ctx = Multiprocessing.getContext("prestart");
        PrestartStarter starter = (PrestartStarter) Starters.forContext("prestart");
        assertTrue(starter.awaitStandby(60_000));
        List<Long> standbys = starter.standbyPids();
        try (Pool pool = ctx.pool(1)) {
            assertEquals("prestart", pool.startMethod());
            assertEquals(List.of(4, 9), pool.map((Integer x) -> x * x, List.of(2, 3)));
            assertTrue(standbys.containsAll(pool.allWorkerPids()),
                    "workers " + pool.allWorkerPids() + " are not the standbys " + standbys);
        }
        assertEquals("spawn", Multiprocessing.getStartMethod());
    }

    @Test
    void aContextsManagerIsStartedByItsMethod() throws Exception {
        Context ctx = Multiprocessing.getContext("prestart");
        PrestartStarter starter = (PrestartStarter) Starters.forContext("prestart");
        assertTrue(starter.awaitStandby(60_000));
        List<Long> standbys = starter.standbyPids();
        try (Manager m = ctx.manager()) {
            assertTrue(standbys.contains(m.pid()), "manager pid " + m.pid() + " is not one of the standbys " + standbys);
            var d = m.dict();
            d.put("k", 1);
            assertEquals(1, d.get("k"));
        }
        assertEquals("spawn", Multiprocessing.getStartMethod());
    }

    @Test
    void theDefaultContextFollowsTheJvmsStartMethodAndAliasesAreCanonical() {
        Context dflt = Multiprocessing.getContext();
        assertEquals("spawn", dflt.getStartMethod());
        Multiprocessing.setStartMethod("prestart");
        assertEquals("prestart", dflt.getStartMethod());
        assertEquals("prestart", Multiprocessing.getContext("forkserver").getStartMethod());
        assertEquals(List.of("spawn", "prestart"), Multiprocessing.getAllStartMethods());
        assertEquals(List.of("spawn", "prestart"), dflt.getAllStartMethods());
    }

    @Test
    void anUnknownStartMethodIsAnErrorListingTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Multiprocessing.getContext("threads"));
        assertTrue(e.getMessage().contains("'threads'") && e.getMessage().contains("\"spawn\"")
                && e.getMessage().contains("\"prestart\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Multiprocessing.getContext("fork"));
        assertTrue(e.getMessage().contains("cannot fork"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Process(() -> { }).startMethod("fork"));
    }

    @Test
    @SuppressWarnings("static-access") // the factories are SharedState's, reached through the context as in Python
    void aContextHasTheSharedFactoriesToo() {
        Context ctx = Multiprocessing.getContext("spawn");
        IntValue v = ctx.intValue(3);
        assertEquals(3, v.get());
        Queue<String> q = ctx.queue();
        q.put("x");
        assertEquals("x", q.get());
        assertTrue(ctx.lock().acquire());
    }
}
