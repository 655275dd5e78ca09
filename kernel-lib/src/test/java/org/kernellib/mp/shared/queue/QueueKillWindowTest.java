package org.kernellib.mp.shared.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kernellib.mp.shared.queue.QueueFaultTest.pausingAt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.shared.testing.ChildJvm;

/**
 * The kill windows that a record cannot name its owner in: a producer killed between winning the
 * tail and writing its pid (with or without padding to the ring's end), a consumer killed between
 * winning the claim position and signing the record, or while it zeroes the record it gives back.
 * The announcement slots name the owner; a live owner paused in the same window is never skipped.
 */
class QueueKillWindowTest {
    private static final int RING = 4096;
    /** What "no wait past a short bound" means on two loaded cores: a recovery is checked every 5 ms. */
    private static final long RECOVERY_BOUND_MILLIS = 3_000;

    /**
     * Child: puts args[1] in a thread named "pausing-..." (the fault point is limited to it) while
     * another thread puts args[2] numbered items.
     */
    static void putWhileAnotherThreadPuts(final Object[] args) throws Exception {
        @SuppressWarnings("unchecked")
        Queue<Object> q = (Queue<Object>) args[0];
        int n = (Integer) args[2];
        Thread pausing = new Thread(() -> q.put(args[1]), "pausing-putter");
        pausing.start();
        Thread steady = new Thread(() -> {
            for (int i = 0; i < n; i++) {
                q.put(i);
            }
            System.out.println("STEADY-DONE");
        }, "steady-putter");
        // The pausing thread has reserved its record and printed AFTER-TAIL-CAS (it sleeps only
        // after printing): the parent awaits that line before STEADY-DONE, and a STEADY-DONE
        // printed first would be passed over while it waited (seen once on a loaded machine).
        while (q.ring.isEmpty() || pausing.getState() != Thread.State.TIMED_WAITING) {
            Thread.sleep(1);
        }
        steady.start();
        steady.join();
        pausing.join();
    }

    /** Child: takes one item and prints its length (byte[]) or value. */
    static void takeOne(final Object[] args) {
        @SuppressWarnings("unchecked")
        Queue<Object> q = (Queue<Object>) args[0];
        Object o = q.get(Duration.ofSeconds(30));
        System.out.println("GOT " + (o instanceof byte[] ? ((byte[]) o).length : o));
    }

    @Test
    void aProducerKilledRightAfterWinningTheTailIsSkipped() {
        try (Queue<Object> q = Queue.create(0, RING);
             ChildJvm producer = ChildJvm.start(pausingAt("afterTailCas", 120_000), QueueFaultTest.class, "putOne", q, "lost")) {
            producer.awaitLine("AFTER-TAIL-CAS", 60_000);
            killAndExpectTheNextItem(q, producer);
        }
    }

    @Test
    void aProducerKilledRightAfterWinningTheTailOfABoundedQueueIsUncounted() {
        // A bounded queue counts an item before reserving its record (the count is the bound).
        try (Queue<Object> q = Queue.create(5, RING);
             ChildJvm producer = ChildJvm.start(pausingAt("afterTailCas", 120_000), QueueFaultTest.class, "putOne", q, "lost")) {
            producer.awaitLine("AFTER-TAIL-CAS", 60_000);
            q.put("after");
            assertEquals(2, q.qsize());
            producer.kill();
            assertEquals("after", q.get(Duration.ofSeconds(20)));
            assertEquals(0, q.qsize(), "the lost item must not be counted");
            for (int i = 0; i < 5; i++) {
                q.putNowait("room for maxsize items again");
            }
            q.unlink();
        }
    }

    @Test
    void aProducerKilledBeforePublishingItsPaddingIsSkipped() {
        try (Queue<Object> q = Queue.create(0, RING)) {
            moveTailTo(q, RING - 16); // the next record does not fit before the ring's end
            try (ChildJvm producer = ChildJvm.start(pausingAt("afterTailCas", 120_000), QueueFaultTest.class, "putOne", q, "lost")) {
                producer.awaitLine("AFTER-TAIL-CAS", 60_000);
                assertEquals(RING - 16, (int) (claim(q) & (RING - 1)), "the child's reservation must wrap");
                killAndExpectTheNextItem(q, producer);
            }
        }
    }

    @Test
    void aProducerKilledAfterPublishingItsPaddingIsSkipped() {
        try (Queue<Object> q = Queue.create(0, RING)) {
            moveTailTo(q, RING - 16);
            try (ChildJvm producer = ChildJvm.start(pausingAt("afterPadding", 120_000), QueueFaultTest.class, "putOne", q, "lost")) {
                producer.awaitLine("AFTER-PADDING", 60_000);
                killAndExpectTheNextItem(q, producer);
            }
        }
    }

    /** Puts "after" behind the child's record, shows a get waits while the child lives, kills it, and gets "after". */
    private static void killAndExpectTheNextItem(final Queue<Object> q, final ChildJvm producer) {
        q.put("after");
        assertEquals(1, q.qsize(), "an unbounded queue counts an item once its record names its producer");
        EmptyException alive = assertThrows(EmptyException.class, () -> q.get(Duration.ofMillis(300)));
        assertTrue(alive.getMessage().contains("process " + producer.pid()), alive.getMessage());
        producer.kill();
        long t0 = System.nanoTime();
        Object next = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> q.get(Duration.ofSeconds(20)));
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals("after", next);
        assertTrue(waited < RECOVERY_BOUND_MILLIS, "the dead producer's record was skipped only after " + waited + " ms");
        assertEquals(0, q.qsize(), "the lost item must not be counted");
        assertThrows(EmptyException.class, q::getNowait);
        assertRingStaysUsable(q);
        q.unlink();
    }

    @Test
    void aLiveProducerPausedRightAfterWinningTheTailIsNeverSkipped() {
        try (Queue<Object> q = Queue.create(0, RING)) {
            moveTailTo(q, RING - 16);
            try (ChildJvm producer = ChildJvm.start(pausingAt("afterTailCas", 3_000), QueueFaultTest.class, "putOne", q, "mine")) {
                producer.awaitLine("AFTER-TAIL-CAS", 60_000);
                q.put("after");
                EmptyException e = assertThrows(EmptyException.class, () -> q.get(Duration.ofMillis(1_000)));
                assertTrue(e.getMessage().contains("process " + producer.pid() + ", which is still alive"), e.getMessage());
                assertEquals("mine", q.get(Duration.ofSeconds(30)), "the paused producer's item comes first, once it resumes");
                assertEquals("after", q.get(Duration.ofSeconds(5)));
                producer.awaitLine("PUT-DONE", 30_000);
                assertEquals(0, q.qsize());
                q.unlink();
            }
        }
    }

    @Test
    void aKilledThreadsRecordIsSkippedWhileAnotherThreadOfItsProcessKeptPutting() {
        List<String> opts = new ArrayList<>(pausingAt("afterTailCas", 120_000));
        opts.add("-Dorg.kernellib.mp.queue.pauseThread=pausing");
        try (Queue<Object> q = Queue.create(0, 1 << 16);
             ChildJvm child = ChildJvm.start(opts, QueueKillWindowTest.class, "putWhileAnotherThreadPuts", q, "lost", 50)) {
            child.awaitLine("AFTER-TAIL-CAS", 60_000);
            child.awaitLine("STEADY-DONE", 60_000);
            child.kill();
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                for (int i = 0; i < 50; i++) {
                    assertEquals(i, q.get(Duration.ofSeconds(20)));
                }
            });
            assertEquals(0, q.qsize());
            assertThrows(EmptyException.class, q::getNowait);
            q.unlink();
        }
    }

    @Test
    void withAnOperationRunningWithoutASlotNothingUnnamedIsSkipped() {
        try (Queue<Object> q = Queue.create(0, RING);
             ChildJvm producer = ChildJvm.start(pausingAt("afterTailCas", 120_000), QueueFaultTest.class, "putOne", q, "lost")) {
            producer.awaitLine("AFTER-TAIL-CAS", 60_000);
            q.put("after");
            q.sharedFile().getAndAddInt(QueueDescriptor.ANNOUNCE_OVERFLOW_OFFSET, 1); // as a thread that found no slot
            producer.kill();
            EmptyException e = assertThrows(EmptyException.class, () -> q.get(Duration.ofMillis(500)));
            assertTrue(e.getMessage().contains("died mid-put"), e.getMessage());
            q.sharedFile().getAndAddInt(QueueDescriptor.ANNOUNCE_OVERFLOW_OFFSET, -1); // it finished
            assertEquals("after", q.get(Duration.ofSeconds(10)));
            q.unlink();
        }
    }

    @Test
    void aConsumerKilledRightAfterWinningTheClaimDoesNotLeaveTheRingFull() {
        try (Queue<Object> q = Queue.create(0, RING)) {
            q.put(new byte[199]);
            killConsumerAt(q, "afterClaimCas", "AFTER-CLAIM-CAS", () -> { });
            assertRingStaysUsable(q);
            assertEquals(0, q.qsize(), "the item the dead consumer took is uncounted once its space is recovered");
            q.unlink();
        }
    }

    @Test
    void aConsumerWaitingOnTheEmptyQueueUncountsWhatADeadConsumerTook() {
        try (Queue<Object> q = Queue.create(0, RING)) {
            q.put(new byte[199]);
            killConsumerAt(q, "afterClaimCas", "AFTER-CLAIM-CAS", () -> { });
            assertEquals(1, q.qsize());
            assertThrows(EmptyException.class, () -> q.get(Duration.ofMillis(300)));
            assertEquals(0, q.qsize(), "no producer waited for room, yet the lost item is uncounted");
            q.unlink();
        }
    }

    @Test
    void aConsumerKilledWhileGivingARecordBackDoesNotLeaveTheRingFull() {
        try (Queue<Object> q = Queue.create(0, RING)) {
            q.put(new byte[199]);
            killConsumerAt(q, "midRelease", "MID-RELEASE", () -> { });
            assertRingStaysUsable(q);
            assertEquals(0, q.qsize());
            q.unlink();
        }
    }

    @Test
    void aConsumerKilledRightAfterClaimingPaddingLosesNothing() {
        try (Queue<Object> q = Queue.create(0, RING)) {
            moveTailTo(q, RING - 16);
            q.put("wrapped"); // padding to the ring's end, then the record at its start
            killConsumerAt(q, "afterClaimCas", "AFTER-CLAIM-CAS", () -> { });
            assertEquals("wrapped", q.get(Duration.ofSeconds(5)), "the dead consumer had taken only the padding");
            assertRingStaysUsable(q);
            assertEquals(0, q.qsize());
            q.unlink();
        }
    }

    @Test
    void aLiveConsumerPausedRightAfterWinningTheClaimKeepsItsRecord() {
        try (Queue<Object> q = Queue.create(0, RING)) {
            q.put(new byte[199]);
            try (ChildJvm consumer = ChildJvm.start(pausingAt("afterClaimCas", 3_000), QueueKillWindowTest.class, "takeOne", q)) {
                consumer.awaitLine("AFTER-CLAIM-CAS", 60_000);
                // Fill the ring; the last put waits for room, trying to recover space meanwhile.
                int put = fillRing(q);
                assertThrows(FullException.class, () -> q.put(new byte[1000], Duration.ofMillis(500)));
                assertEquals("199", consumer.awaitLine("GOT", 30_000), consumer.transcript());
                consumer.assertSuccess(30_000);
                for (int i = 0; i < put; i++) {
                    assertEquals(1000, ((byte[]) q.get(Duration.ofSeconds(5))).length);
                }
                assertEquals(0, q.qsize());
                assertRingStaysUsable(q);
                q.unlink();
            }
        }
    }

    /**
     * Starts a consumer that takes one item and pauses at fault point {@code point} (announced by
     * {@code line}), runs {@code whilePaused}, and kills the consumer there.
     */
    /** Puts 1000-byte items until the ring is full; returns how many went in. */
    static int fillRing(final Queue<Object> q) {
        int put = 0;
        try {
            while (true) {
                q.putNowait(new byte[1000]);
                put++;
            }
        } catch (FullException full) {
            return put;
        }
    }

    static void killConsumerAt(final Queue<Object> q, final String point, final String line, final Runnable whilePaused) {
        try (ChildJvm consumer = ChildJvm.start(pausingAt(point, 120_000), QueueKillWindowTest.class, "takeOne", q)) {
            consumer.awaitLine(line, 60_000);
            whilePaused.run();
            consumer.kill();
        }
    }

    /** Many laps of a small ring: every put needs space that a wedged record would hold. */
    static void assertRingStaysUsable(final Queue<Object> q) {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 100; i++) {
                byte[] item = new byte[1000];
                item[0] = (byte) i;
                q.put(item, Duration.ofSeconds(10));
                assertArrayEquals(item, (byte[]) q.get(Duration.ofSeconds(10)));
            }
        });
    }

    private static long claim(final Queue<?> q) {
        return q.sharedFile().getLongVolatile(QueueDescriptor.CLAIM_OFFSET);
    }

    /** Moves the (empty) ring's positions until the tail stands at ring offset {@code index}, with padding records. */
    static void moveTailTo(final Queue<Object> q, final int index) {
        RingBuffer ring = q.ring;
        int mask = ring.capacity() - 1;
        while (true) {
            int at = (int) (q.sharedFile().getLongVolatile(QueueDescriptor.TAIL_OFFSET) & mask);
            if (at == index) {
                break;
            }
            int gap = (index - at) & mask;
            int length = gap >= RingBuffer.HEADER ? Math.min(gap, 1024) : 1024;
            int slot = ring.lease();
            int record = ring.tryClaimWrite(length - RingBuffer.HEADER, slot);
            assertTrue(record > 0, "no room while moving the tail");
            ItemCounts.uncountOwnPut(q.sharedFile(), slot); // padding carries no item
            ring.commitAsPadding(record);
            ring.endLease(slot);
            assertThrows(EmptyException.class, q::getNowait); // consumes the padding
        }
        assertEquals(0, q.qsize());
    }
}
