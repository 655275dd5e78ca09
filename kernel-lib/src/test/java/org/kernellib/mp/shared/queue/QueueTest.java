package org.kernellib.mp.shared.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.shared.RawIntArray;
import org.kernellib.mp.shared.SharedState;
import org.kernellib.mp.shared.testing.ChildJvm;
import org.kernellib.mp.shared.testing.Serial;

class QueueTest {

    record Point(int x, String label) implements Serializable {
    }

    @Test
    void carriesEveryKindOfElementInOrder() {
        try (Queue<Object> q = Queue.create()) {
            byte[] bytes = {1, 2, 3};
            List<Object> items = List.of(42, 7L, 2.5, "héllo", new Point(3, "p"), List.of(1, 2));
            q.put(null);
            q.put(bytes);
            for (Object o : items) {
                q.put(o);
            }
            assertEquals(8, q.qsize());
            assertNull(q.get());
            assertArrayEquals(bytes, (byte[]) q.get());
            for (Object o : items) {
                assertEquals(o, q.get());
            }
            assertTrue(q.empty());
            assertEquals(0, q.qsize());
            q.unlink();
        }
    }

    @Test
    void wrapsAroundTheRingWithoutCorruption() {
        try (Queue<byte[]> q = Queue.create(0, 4096)) {
            Random rnd = new Random(1);
            List<byte[]> pending = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                // Two items of < 1000 bytes always fit in 4 KiB, even with padding at the ring's end.
                if (pending.size() < 2 && rnd.nextBoolean()) {
                    byte[] b = new byte[rnd.nextInt(1000)];
                    rnd.nextBytes(b);
                    q.put(b);
                    pending.add(b);
                } else if (!pending.isEmpty()) {
                    assertArrayEquals(pending.remove(0), q.get(Duration.ofSeconds(5)));
                }
            }
            q.unlink();
        }
    }

    @Test
    void manyThreadsMoveEveryItemExactlyOnce() throws Exception {
        int producers = 3;
        int perProducer = 30_000;
        try (Queue<Long> q = Queue.create(0, 8192)) {
            int[] seen = new int[producers * perProducer];
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                final long id = p;
                threads.add(new Thread(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        q.put((id << 32) | i);
                    }
                }));
            }
            for (int c = 0; c < 2; c++) {
                threads.add(new Thread(() -> {
                    long[] last = new long[producers];
                    java.util.Arrays.fill(last, -1);
                    try {
                        while (true) {
                            long v = q.get();
                            if (v < 0) {
                                return;
                            }
                            int p = (int) (v >>> 32);
                            int i = (int) v;
                            if (i <= last[p]) {
                                throw new AssertionError("producer " + p + " item " + i + " after " + last[p]);
                            }
                            last[p] = i;
                            synchronized (seen) {
                                seen[p * perProducer + i]++;
                            }
                        }
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (int p = 0; p < producers; p++) {
                threads.get(p).join();
            }
            q.put(-1L);
            q.put(-1L);
            for (Thread t : threads) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            for (int i = 0; i < seen.length; i++) {
                assertEquals(1, seen[i], "item " + i);
            }
            q.unlink();
        }
    }

    @Test
    void timeoutsAndBoundsThrowPythonsEmptyAndFull() {
        try (Queue<Integer> q = Queue.create(2)) {
            assertThrows(EmptyException.class, q::getNowait);
            long t0 = System.nanoTime();
            assertThrows(EmptyException.class, () -> q.get(Duration.ofMillis(100)));
            assertTrue(System.nanoTime() - t0 >= 100_000_000L, "returned before the timeout");
            q.put(1);
            q.putNowait(2);
            assertTrue(q.full());
            FullException full = assertThrows(FullException.class, () -> q.putNowait(3));
            assertTrue(full.getMessage().contains("maxsize 2"), full.getMessage());
            t0 = System.nanoTime();
            assertThrows(FullException.class, () -> q.put(3, true, 0.05));
            assertTrue(System.nanoTime() - t0 >= 50_000_000L, "returned before the timeout");
            assertEquals(1, q.get());
            q.put(3, Duration.ofSeconds(1));
            assertEquals(2, q.get());
            assertEquals(3, q.get());
            q.unlink();
        }
    }

    @Test
    void badInputSaysWhatWasGivenAndWhatIsAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Queue.create(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Queue.create(0, 100));
        assertTrue(e.getMessage().contains("100") && e.getMessage().contains("4096"), e.getMessage());
        try (Queue<Object> q = Queue.create(0, 4096)) {
            e = assertThrows(IllegalArgumentException.class, () -> q.put(new Object()));
            assertTrue(e.getMessage().contains("java.lang.Object") && e.getMessage().contains("Serializable"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> q.put(new byte[3000]));
            assertTrue(e.getMessage().contains("3001 bytes") && e.getMessage().contains("at most"), e.getMessage());
            assertEquals(0, q.qsize(), "a refused put must not count");
            q.unlink();
            q.close();
            IllegalStateException closed = assertThrows(IllegalStateException.class, () -> q.put(1));
            assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
            assertThrows(IllegalStateException.class, q::get);
        }
    }

    @Test
    void joinableQueueCountsTasks() {
        try (JoinableQueue<String> q = JoinableQueue.create()) {
            q.put("a");
            q.put("b");
            assertFalse(q.join(Duration.ofMillis(20)));
            q.get();
            q.taskDone();
            q.get();
            q.taskDone();
            assertTrue(q.join(Duration.ofMillis(20)));
            IllegalStateException e = assertThrows(IllegalStateException.class, q::taskDone);
            assertTrue(e.getMessage().contains("more times than items were put"), e.getMessage());
            q.unlink();
        }
    }

    @Test
    void handlesKeepTheirKindAcrossSerialization() {
        try (JoinableQueue<Integer> j = JoinableQueue.create(); SimpleQueue<String> s = SimpleQueue.create()) {
            JoinableQueue<Integer> j2 = Serial.roundTrip(j);
            SimpleQueue<String> s2 = Serial.roundTrip(s);
            j.put(5);
            assertEquals(5, j2.get());
            j2.taskDone();
            assertTrue(j.join(Duration.ZERO));
            s2.put("x");
            assertFalse(s.empty());
            assertEquals("x", s.get());
            j.unlink();
            s.unlink();
        }
    }

    // ---- across processes -------------------------------------------------------------------

    static final int PER_PRODUCER = 50_000;

    /** Child producer: puts (id << 32 | i) for i in 0..PER_PRODUCER. */
    static void produce(final Object[] args) {
        @SuppressWarnings("unchecked")
        Queue<Long> q = (Queue<Long>) args[0];
        long id = (Integer) args[1];
        for (int i = 0; i < PER_PRODUCER; i++) {
            q.put((id << 32) | i);
        }
        System.out.println("PRODUCED");
    }

    /** Child consumer: counts each item in seen[], checks per-producer order, stops at -1. */
    static void consume(final Object[] args) {
        @SuppressWarnings("unchecked")
        Queue<Long> q = (Queue<Long>) args[0];
        RawIntArray seen = (RawIntArray) args[1];
        long[] last = {-1, -1};
        int n = 0;
        while (true) {
            long v = q.get(Duration.ofSeconds(60));
            if (v < 0) {
                break;
            }
            int p = (int) (v >>> 32);
            int i = (int) v;
            if (i <= last[p]) {
                System.out.println("ORDER broken: producer " + p + " item " + i + " after " + last[p]);
                System.exit(2);
            }
            last[p] = i;
            seen.incrementAndGet(p * PER_PRODUCER + i);
            n++;
        }
        System.out.println("CONSUMED " + n);
    }

    @Test
    void twoProducerAndTwoConsumerProcessesMoveEveryItemOnceInOrder() {
        try (Queue<Long> q = Queue.create(0, 64 * 1024); RawIntArray seen = SharedState.rawIntArray(2 * PER_PRODUCER);
             ChildJvm c1 = ChildJvm.start(QueueTest.class, "consume", q, seen);
             ChildJvm c2 = ChildJvm.start(QueueTest.class, "consume", q, seen);
             ChildJvm p1 = ChildJvm.start(QueueTest.class, "produce", q, 0);
             ChildJvm p2 = ChildJvm.start(QueueTest.class, "produce", q, 1)) {
            p1.assertSuccess(60_000);
            p2.assertSuccess(60_000);
            q.put(-1L);
            q.put(-1L);
            int n1 = Integer.parseInt(c1.awaitLine("CONSUMED", 60_000));
            int n2 = Integer.parseInt(c2.awaitLine("CONSUMED", 60_000));
            c1.assertSuccess(10_000);
            c2.assertSuccess(10_000);
            assertEquals(2 * PER_PRODUCER, n1 + n2);
            int[] counts = seen.toArray();
            for (int i = 0; i < counts.length; i++) {
                assertEquals(1, counts[i], "item " + i + " (producer " + i / PER_PRODUCER + ")");
            }
            assertTrue(q.empty());
            q.unlink();
            seen.unlink();
        }
    }
}
