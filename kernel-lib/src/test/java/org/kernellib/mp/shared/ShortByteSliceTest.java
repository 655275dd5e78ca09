package org.kernellib.mp.shared;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.shared.sync.Held;
import org.kernellib.mp.shared.testing.Serial;

/** Python's typecodes 'h' and 'c', and slice reads and assignment of shared arrays. */
class ShortByteSliceTest {

    @Test
    void typecodeHIsAShortValueAndArrayThatTravel() {
        try (SharedData v = SharedState.value("h", 1234); ShortArray a = SharedState.shortArrayOf((short) -5, (short) 300)) {
            assertTrue(v instanceof ShortValue, v.getClass().getName());
            assertEquals("Value('h', 1234)", v.toString());
            ShortValue copy = Serial.roundTrip((ShortValue) v);
            copy.set((short) -32768);
            assertEquals(-32768, ((ShortValue) v).get());
            ShortArray a2 = Serial.roundTrip(a);
            a2.set(1, Short.MAX_VALUE);
            assertEquals("[-5, 32767]", a.toString());
            assertEquals("[0, 0, 0]", SharedState.array("h", 3).toString());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SharedState.value("h", 70_000));
            assertTrue(e.getMessage().contains("initial must be a short (or an int from -32768 to 32767) for typecode 'h',"
                    + " got Integer 70000"), e.getMessage());
            v.unlink();
            a.unlink();
        }
    }

    @Test
    void typecodeCIsPythonsOneByteCharAsAByteValueAndArray() {
        try (SharedData v = SharedState.value("c", (byte) 'x'); SharedData a = SharedState.array("c", "hi".getBytes());
             RawByteValue raw = SharedState.rawByteValue((byte) 7)) {
            assertTrue(v instanceof ByteValue, v.getClass().getName());
            assertEquals('x', ((ByteValue) v).get());
            assertEquals("Value('b', 120)", v.toString());
            assertTrue(a instanceof ByteArray);
            assertArrayEquals("hi".getBytes(), ((ByteArray) a).toArray());
            RawByteValue raw2 = Serial.roundTrip(raw);
            raw2.set((byte) -1);
            assertEquals(-1, raw.get());
            assertEquals(100, ((ByteValue) SharedState.value("b", 100)).get());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SharedState.value("c", 300));
            assertTrue(e.getMessage().contains("a byte (or an int from -128 to 127)"), e.getMessage());
            v.unlink();
            a.unlink();
            raw.unlink();
        }
    }

    @Test
    void slicesReadAndAssignLikePythonsSlices() {
        try (IntArray a = SharedState.intArrayOf(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
             RawDoubleArray d = SharedState.rawDoubleArrayOf(0.5, 1.5, 2.5)) {
            assertArrayEquals(new int[] {2, 3, 4}, a.get(2, 5));
            assertArrayEquals(new int[0], a.get(10, 10));
            a.set(7, new int[] {70, 80, 90});
            assertEquals("[0, 1, 2, 3, 4, 5, 6, 70, 80, 90]", a.toString());
            a.set(0, new int[0]);
            d.set(1, new double[] {-1.0});
            assertArrayEquals(new double[] {0.5, -1.0}, d.get(0, 2));
            for (int[] bad : new int[][] {{-1, 2}, {3, 2}, {0, 11}}) {
                IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> a.get(bad[0], bad[1]));
                assertEquals("slice [" + bad[0] + ", " + bad[1] + ") out of range for a shared array of length 10"
                        + " (need 0 <= from <= to <= 10)", e.getMessage());
            }
            assertThrows(IndexOutOfBoundsException.class, () -> a.set(8, new int[3]));
            assertEquals("[0, 1, 2, 3, 4, 5, 6, 70, 80, 90]", a.toString(), "a refused assignment writes nothing");
            assertThrows(NullPointerException.class, () -> a.set(0, (int[]) null));
            a.unlink();
            d.unlink();
        }
    }

    @Test
    void aSynchronizedArraysSliceWaitsForItsLock() throws Exception {
        try (LongArray a = SharedState.longArrayOf(1, 2, 3)) {
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread holder = new Thread(() -> {
                try (Held h = a.hold()) {
                    held.countDown();
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            holder.start();
            held.await();
            CompletableFuture<long[]> read = CompletableFuture.supplyAsync(() -> a.get(0, 2));
            CompletableFuture<Void> write = CompletableFuture.runAsync(() -> a.set(1, new long[] {20, 30}));
            Thread.sleep(200);
            assertFalse(read.isDone() || write.isDone(), "a slice of a synchronized array must wait for the lock");
            release.countDown();
            holder.join();
            read.get(30, TimeUnit.SECONDS);
            write.get(30, TimeUnit.SECONDS);
            assertArrayEquals(new long[] {1, 20, 30}, a.toArray());
            a.unlink();
        }
    }
}
