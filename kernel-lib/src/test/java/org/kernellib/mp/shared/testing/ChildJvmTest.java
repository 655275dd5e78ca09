package org.kernellib.mp.shared.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** A test child never outlives the JVM that started it. */
class ChildJvmTest {
    /** In a child: starts a grandchild that would sleep for a minute, says its pid, waits. */
    static void startSleeper(final Object[] args) throws Exception {
        ChildJvm sleeper = ChildJvm.start(ChildJvmTest.class, "sleep");
        sleeper.awaitLine("SLEEPING", 30_000);
        System.out.println("GRANDCHILD " + sleeper.pid());
        System.out.flush();
        Thread.sleep(60_000);
    }

    static void sleep(final Object[] args) throws Exception {
        System.out.println("SLEEPING");
        System.out.flush();
        Thread.sleep(60_000);
    }

    @Test
    void aChildEndsWhenItsParentIsKilled() throws Exception {
        try (ChildJvm parent = ChildJvm.start(ChildJvmTest.class, "startSleeper")) {
            long grandchild = Long.parseLong(parent.awaitLine("GRANDCHILD", 60_000));
            Optional<ProcessHandle> g = ProcessHandle.of(grandchild);
            assertTrue(g.isPresent() && g.get().isAlive(), "the grandchild runs while its parent does");
            parent.kill(); // SIGKILL: no shutdown hook of the parent runs
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (g.get().isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            boolean alive = g.get().isAlive();
            if (alive) {
                g.get().destroyForcibly();
            }
            assertTrue(!alive, "the grandchild " + grandchild + " outlived its SIGKILLed parent by 10 s");
        }
    }
}
