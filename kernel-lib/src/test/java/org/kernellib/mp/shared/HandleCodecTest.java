package org.kernellib.mp.shared;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InvalidObjectException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.connection.Connection;
import org.kernellib.mp.shared.queue.JoinableQueue;
import org.kernellib.mp.shared.queue.Queue;
import org.kernellib.mp.shared.queue.SimpleQueue;
import org.kernellib.mp.shared.sync.Barrier;
import org.kernellib.mp.shared.sync.BoundedSemaphore;
import org.kernellib.mp.shared.sync.Condition;
import org.kernellib.mp.shared.sync.Event;
import org.kernellib.mp.shared.sync.Lock;
import org.kernellib.mp.shared.sync.RLock;
import org.kernellib.mp.shared.sync.SemLock;
import org.kernellib.mp.shared.sync.Semaphore;
import org.kernellib.mp.shared.testing.ChildJvm;
import org.kernellib.mp.shared.testing.Serial;

/** Every kind of shared handle travels by {@link HandleCodec} and maps the same memory in a real child JVM. */
class HandleCodecTest {

    /** In the child: says which class arrived, then writes through it so the parent can see the write. */
    static void touchEach(final Object[] args) throws Exception {
        for (Object o : args) {
            System.out.println("ARRIVED " + o.getClass().getSimpleName());
            if (o instanceof IntValue || o instanceof LongValue || o instanceof DoubleValue || o instanceof BooleanValue
                    || o instanceof IntArray || o instanceof LongArray || o instanceof DoubleArray || o instanceof ByteArray
                    || o instanceof CharArray || o instanceof BooleanArray) {
                SemLock lock = (SemLock) o.getClass().getMethod("getLock").invoke(o);
                System.out.println("LOCK " + lock.path());
            }
            if (o instanceof RawIntValue) {
                ((RawIntValue) o).set(41);
            } else if (o instanceof RawLongValue) {
                ((RawLongValue) o).set(1L << 40);
            } else if (o instanceof RawDoubleValue) {
                ((RawDoubleValue) o).set(2.5);
            } else if (o instanceof RawBooleanValue) {
                ((RawBooleanValue) o).set(true);
            } else if (o instanceof RawIntArray) {
                ((RawIntArray) o).set(0, 7);
            } else if (o instanceof RawLongArray) {
                ((RawLongArray) o).set(0, 7L);
            } else if (o instanceof RawDoubleArray) {
                ((RawDoubleArray) o).set(0, 7.5);
            } else if (o instanceof RawByteArray) {
                ((RawByteArray) o).set(0, (byte) 7);
            } else if (o instanceof RawCharArray) {
                ((RawCharArray) o).set(0, 'z');
            } else if (o instanceof RawBooleanArray) {
                ((RawBooleanArray) o).set(0, true);
            } else if (o instanceof Lock) {
                System.out.println("LOCKED " + ((Lock) o).isLocked());
            } else if (o instanceof RLock) {
                System.out.println("LOCKED " + ((RLock) o).isLocked());
            } else if (o instanceof Semaphore) {
                ((Semaphore) o).release(); // a BoundedSemaphore too: the parent took one of its permits
            } else if (o instanceof Event) {
                ((Event) o).set();
            } else if (o instanceof Condition) {
                System.out.println("LOCK " + ((Condition) o).getLock().path());
            } else if (o instanceof Barrier) {
                System.out.println("AT BARRIER");
                System.out.println("BARRIER " + ((Barrier) o).await(Duration.ofSeconds(30)));
            } else if (o instanceof JoinableQueue) {
                @SuppressWarnings("unchecked") JoinableQueue<String> q = (JoinableQueue<String>) o;
                q.put("joinable from child");
            } else if (o instanceof Queue) {
                @SuppressWarnings("unchecked") Queue<String> q = (Queue<String>) o;
                q.put("queue from child");
            } else if (o instanceof SimpleQueue) {
                @SuppressWarnings("unchecked") SimpleQueue<String> q = (SimpleQueue<String>) o;
                q.put("simple from child");
            } else if (o instanceof Connection) {
                Connection c = (Connection) o;
                c.send("sent by child, readable=" + c.readable());
            } else {
                throw new AssertionError("unexpected " + o);
            }
        }
        System.out.println("DONE");
    }

    @Test
    void everyHandleTypeMapsTheSameMemoryInAChildJvm() throws Exception {
        List<SharedObject> all = new ArrayList<>();
        RawIntValue rawInt = add(all, SharedState.rawIntValue(1));
        IntValue intValue = add(all, SharedState.intValue(1));
        RawLongValue rawLong = add(all, SharedState.rawLongValue(1));
        LongValue longValue = add(all, SharedState.longValue(1));
        RawDoubleValue rawDouble = add(all, SharedState.rawDoubleValue(1));
        DoubleValue doubleValue = add(all, SharedState.doubleValue(1));
        RawBooleanValue rawBoolean = add(all, SharedState.rawBooleanValue(false));
        BooleanValue booleanValue = add(all, SharedState.booleanValue(false));
        RawIntArray rawInts = add(all, SharedState.rawIntArray(1)); // length 1: still an array, not a value
        IntArray ints = add(all, SharedState.intArray(3));
        RawLongArray rawLongs = add(all, SharedState.rawLongArray(3));
        LongArray longs = add(all, SharedState.longArray(3));
        RawDoubleArray rawDoubles = add(all, SharedState.rawDoubleArray(3));
        DoubleArray doubles = add(all, SharedState.doubleArray(3));
        RawByteArray rawBytes = add(all, SharedState.rawByteArray(3));
        ByteArray bytes = add(all, SharedState.byteArray(3));
        RawCharArray rawChars = add(all, SharedState.rawCharArray(3));
        CharArray chars = add(all, SharedState.charArray(3));
        RawBooleanArray rawBooleans = add(all, SharedState.rawBooleanArray(3));
        BooleanArray booleans = add(all, SharedState.booleanArray(3));
        Lock lock = add(all, SharedState.lock());
        RLock rlock = add(all, SharedState.rlock());
        Semaphore semaphore = add(all, SharedState.semaphore(2));
        BoundedSemaphore bounded = add(all, SharedState.boundedSemaphore(2));
        Event event = add(all, SharedState.event());
        Condition condition = add(all, SharedState.condition());
        Barrier barrier = add(all, SharedState.barrier(2));
        Queue<String> queue = add(all, SharedState.queue());
        JoinableQueue<String> joinable = add(all, SharedState.joinableQueue());
        SimpleQueue<String> simple = add(all, SharedState.simpleQueue());
        Connection[] duplex = SharedState.pipe();
        Connection[] oneWay = SharedState.pipe(false);
        all.add(duplex[0]);
        all.add(oneWay[0]);
        List<Object> sent = new ArrayList<>(all.subList(0, all.size() - 2));
        sent.add(duplex[1]);
        sent.add(oneWay[1]);
        lock.acquire();
        rlock.acquire();
        bounded.acquire();
        try (ChildJvm child = ChildJvm.start(HandleCodecTest.class, "touchEach", sent.toArray())) {
            child.awaitLine("AT BARRIER", 30_000);
            barrier.await(Duration.ofSeconds(30)); // throws when the child's handle is not the same barrier
            child.assertSuccess(60_000);
            String transcript = child.transcript();
            List<String> arrived = new ArrayList<>();
            for (String line : transcript.split("\n")) {
                if (line.startsWith("ARRIVED ")) {
                    arrived.add(line.substring("ARRIVED ".length()));
                }
            }
            List<String> expected = new ArrayList<>();
            for (Object o : sent) {
                expected.add(o.getClass().getSimpleName());
            }
            assertEquals(expected, arrived, transcript);

            assertEquals(41, rawInt.get());
            assertEquals(1L << 40, rawLong.get());
            assertEquals(2.5, rawDouble.get());
            assertTrue(rawBoolean.get());
            assertEquals(41, intValue.get());
            assertEquals(1L << 40, longValue.get());
            assertEquals(2.5, doubleValue.get());
            assertTrue(booleanValue.get());
            assertArrayEquals(new int[] {7}, rawInts.toArray());
            assertArrayEquals(new int[] {7, 0, 0}, ints.toArray());
            assertArrayEquals(new long[] {7, 0, 0}, rawLongs.toArray());
            assertArrayEquals(new long[] {7, 0, 0}, longs.toArray());
            assertArrayEquals(new double[] {7.5, 0, 0}, rawDoubles.toArray());
            assertArrayEquals(new double[] {7.5, 0, 0}, doubles.toArray());
            assertArrayEquals(new byte[] {7, 0, 0}, rawBytes.toArray());
            assertArrayEquals(new byte[] {7, 0, 0}, bytes.toArray());
            assertArrayEquals(new char[] {'z', 0, 0}, rawChars.toArray());
            assertArrayEquals(new char[] {'z', 0, 0}, chars.toArray());
            assertArrayEquals(new boolean[] {true, false, false}, rawBooleans.toArray());
            assertArrayEquals(new boolean[] {true, false, false}, booleans.toArray());
            for (SemLock guard : List.of(intValue.getLock(), longValue.getLock(), doubleValue.getLock(),
                    booleanValue.getLock(), ints.getLock(), longs.getLock(), doubles.getLock(), bytes.getLock(),
                    chars.getLock(), booleans.getLock(), condition.getLock())) {
                assertTrue(transcript.contains("LOCK " + guard.path()), "the guarding lock did not travel: " + guard.path());
            }
            assertEquals(2, count(transcript, "LOCKED true"), "the child must see the locks this process holds");
            assertEquals(3, semaphore.getValue());
            assertEquals(2, bounded.getValue());
            assertTrue(event.isSet());
            assertTrue(transcript.contains("BARRIER "), transcript);
            assertEquals("queue from child", queue.get(Duration.ofSeconds(5)));
            assertEquals("joinable from child", joinable.get(Duration.ofSeconds(5)));
            assertEquals(1, joinable.unfinishedTasks());
            assertEquals("simple from child", simple.get());
            assertEquals("sent by child, readable=true", duplex[0].recv());
            assertEquals("sent by child, readable=false", oneWay[0].recv());
        } finally {
            lock.release();
            rlock.release();
            for (SharedObject o : all) {
                o.unlink();
                o.close();
            }
        }
    }

    @Test
    void aClosedHandleCannotBeSentAndSaysSo() {
        RawIntValue v = SharedState.rawIntValue(1);
        Queue<String> q = SharedState.queue();
        SimpleQueue<String> s = SharedState.simpleQueue();
        Lock l = SharedState.lock();
        for (SharedObject o : List.of(v, q, s, l)) {
            o.unlink();
            o.close();
        }
        assertRefusedAsClosed(v, "RawIntValue");
        assertRefusedAsClosed(q, "Queue");
        assertRefusedAsClosed(s, "Queue"); // a SimpleQueue travels as its inner queue
        assertRefusedAsClosed(l, "Lock");
    }

    private static void assertRefusedAsClosed(final SharedObject o, final String type) {
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Serial.serialize(o));
        assertTrue(e.getMessage().contains("cannot send " + type + " at " + o.path())
                && e.getMessage().contains("closed in this process"), e.getMessage());
    }

    @Test
    void aFileWithAnUnknownMagicIsRefusedWithAClearError() {
        RawIntValue v = SharedState.rawIntValue(1);
        try {
            byte[] form = Serial.serialize(v);
            v.file.setIntRelease(ArrayDescriptor.MAGIC_OFFSET, 0x12345678);
            String message = refusal(form);
            assertTrue(message.contains("cannot attach to shared RawIntValue at " + v.path()), message);
            assertTrue(message.contains("0x12345678") && message.contains("not the magic of any kernel-lib shared object")
                    && message.contains("'KLAR' a shared value or array") && message.contains("corrupt"), message);
        } finally {
            v.unlink();
            v.close();
        }
    }

    @Test
    void aCorruptValueOrArrayHeaderIsRefusedWithAClearError() {
        RawLongArray a = SharedState.rawLongArray(4);
        try {
            byte[] form = Serial.serialize(a);
            a.file.setIntPlain(ArrayDescriptor.TYPE_OFFSET, 99);
            assertTrue(refusal(form).contains("element type 99 is unknown: the file is corrupt"), refusal(form));
            a.file.setIntPlain(ArrayDescriptor.TYPE_OFFSET, ArrayDescriptor.TYPE_LONG);
            a.file.setIntPlain(ArrayDescriptor.LENGTH_OFFSET, 1_000);
            assertTrue(refusal(form).contains("length 1000 does not fit"), refusal(form));
            a.file.setIntPlain(ArrayDescriptor.LENGTH_OFFSET, 4);
            a.file.setIntPlain(ArrayDescriptor.SHAPE_OFFSET, ArrayDescriptor.SHAPE_VALUE);
            String changed = refusal(form);
            assertTrue(changed.contains("now holds a RawLongValue"), changed);
            a.file.setIntPlain(ArrayDescriptor.SHAPE_OFFSET, ArrayDescriptor.SHAPE_ARRAY);
            RawLongArray copy = (RawLongArray) deserialize(form);
            copy.set(3, 9);
            assertEquals(9, a.get(3), "once repaired, the same form attaches again");
            copy.close();
        } finally {
            a.unlink();
            a.close();
        }
    }

    @Test
    void aTruncatedFileIsRefusedWithAClearError() throws Exception {
        Event tooShortForItsKind = SharedState.event();
        RawIntValue tooShortForAnyKind = SharedState.rawIntValue(1);
        byte[] event = Serial.serialize(tooShortForItsKind);
        byte[] value = Serial.serialize(tooShortForAnyKind);
        // Closed first: this process must not touch the pages that truncation removes.
        tooShortForItsKind.close();
        tooShortForAnyKind.close();
        try {
            truncate(tooShortForItsKind, 8);
            truncate(tooShortForAnyKind, 2);
            String m = refusal(event);
            assertTrue(m.contains("8 bytes long, too short for an Event") && m.contains("corrupt"), m);
            m = refusal(value);
            assertTrue(m.contains("2 bytes long, too short to be a kernel-lib shared object"), m);
        } finally {
            Files.deleteIfExists(tooShortForItsKind.path());
            Files.deleteIfExists(tooShortForAnyKind.path());
        }
    }

    @Test
    void magicsAreShownAsTheirLettersOrInHex() {
        assertEquals("'KLAR'", HandleCodec.magicText(ArrayDescriptor.MAGIC));
        assertEquals("0x00000001", HandleCodec.magicText(1));
    }

    private static void truncate(final SharedObject o, final long size) throws Exception {
        try (FileChannel ch = FileChannel.open(o.path(), StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    private static String refusal(final byte[] form) {
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Serial.deserialize(form));
        assertTrue(e.getCause() instanceof InvalidObjectException, String.valueOf(e.getCause()));
        return e.getCause().getMessage();
    }

    private static Object deserialize(final byte[] form) {
        try {
            return Serial.deserialize(form);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    private static int count(final String text, final String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static <T extends SharedObject> T add(final List<SharedObject> all, final T o) {
        all.add(o);
        return o;
    }

    @Test
    void aHandleThatIsNotMappedObjectTravelsThroughItsParts() {
        Connection[] ends = SharedState.pipe();
        try {
            Connection copy = Serial.roundTrip(ends[1]);
            assertTrue(copy.readable() && copy.writable());
            copy.send("hello");
            assertEquals("hello", ends[0].recv());
            assertFalse(copy.isCreator());
            copy.close();
        } finally {
            ends[0].unlink();
            ends[0].close();
            ends[1].close();
        }
    }
}
