package org.kernellib.mp.shared.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.shared.testing.ChildJvm;

/**
 * A queue never wedges: producers and reclaimers killed at the worst moment, in real child JVMs
 * stopped at a {@link QueueFaults} point, and close() racing a put.
 */
class QueueFaultTest {

    static List<String> pausingAt(final String point, final long millis) {
        List<String> opts = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m", "-Xshare:auto"));
        opts.add("-Dorg.kernellib.mp.queue.pause=" + point);
        opts.add("-Dorg.kernellib.mp.queue.pauseMillis=" + millis);
        return opts;
    }

    /** Child: puts args[1] (and pauses before committing it, see QueueFaults). */
    static void putOne(final Object[] args) {
        @SuppressWarnings("unchecked")
        Queue<Object> q = (Queue<Object>) args[0];
        q.put(args[1]);
        System.out.println("PUT-DONE");
    }

    @Test
    void getsTimeOutBehindAStalledProducerAndSkipItOnceItIsKilled() throws Exception {
        try (Queue<Object> q = Queue.create();
             ChildJvm producer = ChildJvm.start(pausingAt("beforeCommit", 120_000), QueueFaultTest.class, "putOne", q, "lost")) {
            producer.awaitLine("MID-PUT", 60_000);
            q.put("after");
            assertEquals(2, q.qsize());

            // Alive but not committing: every kind of get ends at its deadline, and says why.
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpu0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            EmptyException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> assertThrows(EmptyException.class, () -> q.get(Duration.ofMillis(500))));
            long waited = System.nanoTime() - t0;
            long cpu = threads.getCurrentThreadCpuTime() - cpu0;
            assertTrue(e.getMessage().contains("a producer seems to have died mid-put"), e.getMessage());
            assertTrue(e.getMessage().contains("process " + producer.pid()), e.getMessage());
            assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(500), "returned before its deadline: " + waited + " ns");
            assertTrue(cpu < waited / 2, "waiting burnt " + cpu + " ns of CPU in " + waited + " ns");
            e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(EmptyException.class, q::getNowait));
            assertTrue(e.getMessage().contains("died mid-put"), e.getMessage());
            assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> assertThrows(EmptyException.class, () -> q.get(true, 0.2)));

            // Killed: the blocking get already waiting skips the dead record and gets the next item.
            CompletableFuture<Object> blocked = CompletableFuture.supplyAsync(q::get);
            Thread.sleep(100);
            assertFalse(blocked.isDone(), "get() returned while the record ahead was still reserved");
            producer.kill();
            assertEquals("after", blocked.get(20, TimeUnit.SECONDS));
            assertEquals(0, q.qsize(), "the lost item must not be counted");
            EmptyException empty = assertThrows(EmptyException.class, q::getNowait);
            assertEquals("queue is empty", empty.getMessage());
            q.put("still works");
            assertEquals("still works", q.get(Duration.ofSeconds(5)));
            q.unlink();
        }
    }

    /** Child: one thread puts while the main thread closes the handle; then stays alive. */
    static void closeDuringPut(final Object[] args) throws Exception {
        @SuppressWarnings("unchecked")
        Queue<Object> q = (Queue<Object>) args[0];
        Thread putter = new Thread(() -> {
            try {
                q.put("put-while-closing");
                System.out.println("PUT-RETURNED");
            } catch (RuntimeException e) {
                System.out.println("PUT-FAILED " + e);
            }
        });
        putter.start();
        while (q.qsize() == 0) {
            Thread.sleep(1);
        }
        Thread.sleep(100); // the putter is now sleeping at the fault point, its record reserved
        q.close();
        putter.join();
        System.out.println("CLOSED");
        Thread.sleep(120_000); // stay alive: a record it left reserved would never be skipped
    }

    @Test
    void closeDuringAPutInTheSameProcessLeavesNoReservedRecord() {
        try (Queue<Object> q = Queue.create();
             ChildJvm child = ChildJvm.start(pausingAt("beforeCommit", 1_000), QueueFaultTest.class, "closeDuringPut", q)) {
            child.awaitLine("CLOSED", 60_000);
            q.put("next");
            Object first = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> q.get(Duration.ofSeconds(5)));
            assertEquals("put-while-closing", first, child.transcript());
            assertEquals("next", q.get(Duration.ofSeconds(5)));
            assertEquals(0, q.qsize());
            q.unlink();
        }
    }

    /** Child: takes args[1] items, reclaiming on the way (and pausing mid-walk, see QueueFaults). */
    static void take(final Object[] args) {
        @SuppressWarnings("unchecked")
        Queue<Object> q = (Queue<Object>) args[0];
        int n = (Integer) args[1];
        for (int i = 0; i < n; i++) {
            q.get(Duration.ofSeconds(30));
        }
        System.out.println("TAKEN");
    }

    @Test
    void aReclaimerKilledMidWalkDoesNotLeaveTheQueueFull() {
        // A 4 KiB ring of 216-byte records; releasing the 5th record starts a reclaim walk.
        try (Queue<byte[]> q = Queue.create(0, 4096)) {
            for (int i = 0; i < 8; i++) {
                q.put(new byte[199]);
            }
            try (ChildJvm consumer = ChildJvm.start(pausingAt("midReclaim", 120_000), QueueFaultTest.class, "take", q, 5)) {
                consumer.awaitLine("MID-RECLAIM", 60_000);
                consumer.kill();
            }
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                for (int i = 0; i < 3; i++) {
                    assertEquals(199, q.get(Duration.ofSeconds(5)).length);
                }
                // Several laps of the ring: every put needs space the dead reclaimer was giving back.
                for (int i = 0; i < 100; i++) {
                    byte[] item = new byte[1000];
                    item[0] = (byte) i;
                    q.put(item, Duration.ofSeconds(10));
                    assertArrayEquals(item, q.get(Duration.ofSeconds(10)));
                }
            });
            q.unlink();
        }
    }

    @Test
    void aConsumerKilledMidGetDoesNotLeaveTheQueueFull() {
        try (Queue<byte[]> q = Queue.create(0, 4096)) {
            q.put(new byte[199]);
            try (ChildJvm consumer = ChildJvm.start(pausingAt("afterClaim", 120_000), QueueFaultTest.class, "take", q, 1)) {
                consumer.awaitLine("MID-GET", 60_000);
                consumer.kill();
            }
            assertEquals(1, q.qsize(), "the item the consumer took along is counted until its space is recovered");
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                for (int i = 0; i < 100; i++) {
                    byte[] item = new byte[1000];
                    item[0] = (byte) i;
                    q.put(item, Duration.ofSeconds(10));
                    assertArrayEquals(item, q.get(Duration.ofSeconds(10)));
                }
            });
            assertEquals(0, q.qsize());
            q.unlink();
        }
    }

    @Test
    void aFailedWriteCommitsPaddingSoConsumersMoveOn() {
        try (Queue<Object> q = Queue.create(0, 4096)) {
            int slot = q.ring.lease();
            int record = q.ring.tryClaimWrite(10, slot);
            ItemCounts.uncountOwnPut(q.sharedFile(), slot); // as Queue's put does when its write fails
            q.ring.commitAsPadding(record);
            q.ring.endLease(slot);
            q.put("after padding");
            assertEquals("after padding", q.get(Duration.ofSeconds(5)));
            assertThrows(EmptyException.class, q::getNowait);
            q.unlink();
        }
    }
}
