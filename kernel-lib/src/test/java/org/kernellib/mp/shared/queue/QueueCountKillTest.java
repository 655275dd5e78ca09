package org.kernellib.mp.shared.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.kernellib.mp.shared.queue.QueueFaultTest.pausingAt;
import static org.kernellib.mp.shared.queue.QueueKillWindowTest.assertRingStaysUsable;
import static org.kernellib.mp.shared.queue.QueueKillWindowTest.fillRing;
import static org.kernellib.mp.shared.queue.QueueKillWindowTest.killConsumerAt;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.shared.testing.ChildJvm;

/**
 * qsize() of an unbounded queue stays exact whatever instruction a producer, a consumer or a
 * recoverer is killed at (ItemCounts): each test kills one in the window between its count and
 * the record that shows it, then checks the count, and that a later item counts as one (a count
 * corrected twice would read 0 there, as qsize() never reads below 0).
 */
class QueueCountKillTest {
    private static final int RING = 4096;

    @Test
    void aProducerKilledAfterCountingBeforeNamingItsRecordIsUncounted() {
        try (Queue<Object> q = Queue.create(0, RING);
             ChildJvm producer = ChildJvm.start(pausingAt("afterCount", 120_000), QueueFaultTest.class, "putOne", q, "lost")) {
            producer.awaitLine("AFTER-COUNT", 60_000);
            assertEquals(1, q.qsize(), "counted while its producer lives");
            producer.kill();
            assertThrows(EmptyException.class, () -> q.get(Duration.ofMillis(300)));
            assertEquals(0, q.qsize(), "the dead producer's item never comes, so it is not counted");
            assertCountsOneMore(q);
            q.unlink();
        }
    }

    @Test
    void aConsumerKilledAfterUncountingBeforeGivingItsRecordBackIsNotUncountedTwice() {
        try (Queue<Object> q = Queue.create(0, RING)) {
            q.put(new byte[199]);
            killConsumerAt(q, "afterUncount", "AFTER-UNCOUNT", () -> assertEquals(0, q.qsize(), "the consumer uncounted its item"));
            // Waiting on the empty queue gives the dead consumer's record back.
            assertThrows(EmptyException.class, () -> q.get(Duration.ofMillis(300)));
            assertCountsOneMore(q);
            assertRingStaysUsable(q);
            q.unlink();
        }
    }

    @Test
    void aRecovererKilledAfterUncountingADeadProducersItemDoesNotLeaveItUncountedTwice() {
        try (Queue<Object> q = Queue.create(0, RING);
             ChildJvm producer = ChildJvm.start(pausingAt("afterCount", 120_000), QueueFaultTest.class, "putOne", q, "lost")) {
            producer.awaitLine("AFTER-COUNT", 60_000);
            producer.kill();
            try (ChildJvm recoverer = ChildJvm.start(pausingAt("beforePadding", 120_000), QueueKillWindowTest.class, "takeOne", q)) {
                recoverer.awaitLine("BEFORE-PADDING", 60_000);
                assertEquals(0, q.qsize(), "the recoverer uncounted the dead producer's item");
                recoverer.kill(); // holding the reclaim flag, before the record was padded
            }
            assertThrows(EmptyException.class, () -> q.get(Duration.ofMillis(300)));
            assertCountsOneMore(q);
            assertRingStaysUsable(q);
            q.unlink();
        }
    }

    @Test
    void aConsumerKilledBeforeUncountingIsUncountedOnceByTheReclaimer() {
        try (Queue<Object> q = Queue.create(0, RING)) {
            q.put(new byte[199]);
            killConsumerAt(q, "afterClaim", "MID-GET", () -> assertEquals(1, q.qsize(), "taken, not yet uncounted"));
            assertThrows(EmptyException.class, () -> q.get(Duration.ofMillis(300)));
            assertEquals(0, q.qsize(), "the reclaimer uncounted the item the dead consumer took along");
            assertCountsOneMore(q);
            q.unlink();
        }
    }

    @Test
    void aTimedGetThatEndsBeforeItParksStillGivesBackWhatADeadConsumerTook() {
        try (Queue<Object> q = Queue.create(0, RING)) {
            q.put(new byte[199]);
            killConsumerAt(q, "afterClaim", "MID-GET", () -> { });
            // Over before it has parked long enough for the periodic check, as any short wait can
            // be on a loaded machine (the soak's consumers then left the count high at load 50).
            assertThrows(EmptyException.class, () -> q.get(Duration.ofNanos(1)));
            assertEquals(0, q.qsize());
            q.unlink();
        }
    }

    @Test
    void aTimedPutThatEndsBeforeItParksStillGetsTheSpaceADeadConsumerTook() {
        try (Queue<Object> q = Queue.create(0, RING)) {
            q.put(new byte[1000]);
            killConsumerAt(q, "afterClaim", "MID-GET", () -> { });
            int put = fillRing(q); // the dead consumer's record keeps the head: no space comes back by itself
            for (int i = 0; i < put; i++) {
                q.get(Duration.ofSeconds(10));
            }
            q.put(new byte[1000], Duration.ofNanos(1));
            assertEquals(1, q.qsize());
            q.unlink();
        }
    }

    /** One more item reads as one: the count was corrected once, not twice. */
    private static void assertCountsOneMore(final Queue<Object> q) {
        q.put("next");
        assertEquals(1, q.qsize());
        assertEquals("next", q.get(Duration.ofSeconds(10)));
        assertEquals(0, q.qsize());
    }
}
