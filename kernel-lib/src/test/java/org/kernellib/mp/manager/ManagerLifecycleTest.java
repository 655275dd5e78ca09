package org.kernellib.mp.manager;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kernellib.mp.shared.memory.RuntimeDir;

/** When the manager ends: shutdown, try-with-resources, killed, and with its owner. */
class ManagerLifecycleTest {

    private static boolean alive(final long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void awaitDeath(final long pid, final Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (alive(pid) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
    }

    @Test
    void tryWithResourcesEndsTheProcessAndRemovesItsSocket() throws Exception {
        DictProxy<String, Integer> d;
        long pid;
        Path socket;
        String token;
        try (Manager m = Manager.start()) {
            d = m.dict();
            d.put("x", 1);
            pid = m.pid();
            socket = m.address().socketPath();
            token = m.address().token();
            assertTrue(Files.exists(socket));
            assertTrue(m.isAlive());
        }
        assertFalse(alive(pid), "shutdown() waits for the manager process to end");
        assertFalse(Files.exists(socket), "the socket file is removed");
        ManagerGoneException e = assertThrows(ManagerGoneException.class, () -> d.get("x"));
        assertTrue(e.getMessage().contains("manager process is gone") && e.getMessage().contains("pid " + pid),
                e.getMessage());
        assertFalse(e.getMessage().contains(token), "the message must not show the token");
    }

    @Test
    void aKilledManagerFailsWaitingAndLaterCallsAtOnce() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            Manager m = Manager.start();
            try {
                QueueProxy<String> q = m.queue();
                DictProxy<String, Integer> d = m.dict();
                d.put("x", 1);
                AtomicReference<Throwable> waiting = new AtomicReference<>();
                Thread getter = new Thread(() -> {
                    try {
                        q.get();
                    } catch (Throwable t) {
                        waiting.set(t);
                    }
                });
                getter.start();
                Thread.sleep(300); // the get now waits in the manager
                m.process().kill();
                long killedAt = System.nanoTime();
                getter.join(10_000);
                assertTrue(waiting.get() instanceof ManagerGoneException, String.valueOf(waiting.get()));
                assertTrue(System.nanoTime() - killedAt < 5_000_000_000L, "the waiting get must fail promptly");
                ManagerGoneException later = assertThrows(ManagerGoneException.class, () -> d.get("x"));
                assertTrue(later.getMessage().contains("cannot get"), later.getMessage());
                assertThrows(ManagerGoneException.class, () -> d.put("y", 2));
            } finally {
                m.shutdown();
            }
            assertFalse(m.isAlive());
            assertFalse(Files.exists(m.address().socketPath()), "shutdown() of a killed manager removes its socket");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"exit", "kill"})
    void theManagerEndsWithItsOwner(final String how) {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            String java = ProcessHandle.current().info().command().orElse("java");
            java.lang.Process owner = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    ManagerOrphanMain.class.getName(), how).redirectErrorStream(true).start();
            long pid;
            Path socket;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(owner.getInputStream()))) {
                String line;
                while ((line = r.readLine()) != null && !line.startsWith("manager ")) {
                    // skip anything else
                }
                assertTrue(line != null, "the owner never printed its manager");
                String[] parts = line.split(" ");
                pid = Long.parseLong(parts[1]);
                socket = Path.of(parts[2]);
                assertTrue(alive(pid));
                if (how.equals("kill")) {
                    owner.destroyForcibly();
                }
                owner.waitFor();
            }
            awaitDeath(pid, Duration.ofSeconds(5));
            assertFalse(alive(pid), "the manager " + pid + " outlived its owner (" + how + ") by 5 s");
            try (var own = Files.newDirectoryStream(RuntimeDir.base(), RuntimeDir.PREFIX + pid + "-*")) {
                assertFalse(own.iterator().hasNext(), "the manager process made no runtime directory of its own");
            }
            Path ownerDir = socket.getParent();
            if (how.equals("exit")) {
                assertFalse(Files.exists(ownerDir), "an owner that exits removes its runtime directory, socket included");
            } else {
                // A SIGKILLed owner cannot clean up; the next kernel-lib JVM sweeps its directory.
                RuntimeDir.sweepStale(RuntimeDir.base());
                assertFalse(Files.exists(ownerDir), "the sweep removes a killed owner's directory");
            }
        });
    }
}
