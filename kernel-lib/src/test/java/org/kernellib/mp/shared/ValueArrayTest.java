package org.kernellib.mp.shared;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.shared.sync.Held;
import org.kernellib.mp.shared.sync.Lock;
import org.kernellib.mp.shared.testing.ChildJvm;
import org.kernellib.mp.shared.testing.Serial;
import org.kernellib.mp.shared.memory.RuntimeDir;
import org.kernellib.mp.shared.memory.SharedFile;

class ValueArrayTest {

    @Test
    void arraysPrintLikePythonListsAndCopyOut() {
        try (IntArray a = SharedState.intArrayOf(4, 9, 25); RawDoubleArray d = SharedState.rawDoubleArrayOf(1.0, 2.5);
             RawLongArray l = SharedState.rawLongArray(2); ByteArray b = SharedState.byteArrayOf((byte) -1, (byte) 7)) {
            assertEquals("[4, 9, 25]", a.toString());
            assertEquals("[1.0, 2.5]", d.toString());
            assertEquals("[0, 0]", l.toString());
            assertEquals("[-1, 7]", b.toString());
            assertEquals(3, a.length());
            a.set(1, 10);
            assertArrayEquals(new int[] {4, 10, 25}, a.toArray());
            assertEquals(26, a.incrementAndGet(2));
            assertTrue(a.compareAndSet(0, 4, 5));
            assertFalse(a.compareAndSet(0, 4, 6));
            assertEquals("[5, 10, 26]", a.toString());
            a.unlink();
            d.unlink();
            l.unlink();
            b.unlink();
        }
    }

    @Test
    void longArraysPrintTheirEndsAndLengthLikeNumPy() {
        try (RawIntArray a = SharedState.rawIntArray(1_000_000); IntArray all = SharedState.intArray(SharedData.PRINT_ALL_UP_TO);
             DoubleArray over = SharedState.doubleArray(SharedData.PRINT_ALL_UP_TO + 1);
             CharArray chars = SharedState.charArrayOf(("a" + "x".repeat(1998) + "z").toCharArray()); RawBooleanArray flags = SharedState.rawBooleanArray(1001)) {
            for (int i = 0; i < a.length(); i++) {
                a.set(i, i);
            }
            assertEquals("[0, 1, 2, ..., 999997, 999998, 999999] (length 1000000)", a.toString());
            String every = all.toString();
            assertEquals(SharedData.PRINT_ALL_UP_TO - 1, every.split(", ").length - 1, "up to the threshold every element shows");
            assertFalse(every.contains("...") || every.contains("length"), every);
            over.set(SharedData.PRINT_ALL_UP_TO, 1.5);
            assertEquals("[0.0, 0.0, 0.0, ..., 0.0, 0.0, 1.5] (length 1001)", over.toString());
            assertEquals("[a, x, x, ..., x, x, z] (length 2000)", chars.toString());
            flags.set(1000, true);
            assertEquals("[false, false, false, ..., false, false, true] (length 1001)", flags.toString());
            a.unlink();
            all.unlink();
            over.unlink();
            chars.unlink();
            flags.unlink();
        }
    }

    @Test
    void showingAnArrayLargerThanTheHeapReadsOnlyItsEnds() {
        // Nearly 2 GiB, twice this JVM's heap (-Xmx1g): printing every element could not even copy it.
        // The file is sparse: only the pages touched here take memory.
        int length = (int) (SharedFile.MAX_SIZE - ArrayDescriptor.DATA_OFFSET);
        try (ByteArray a = SharedState.byteArray(length)) {
            a.set(length - 1, (byte) 9);
            assertEquals("[0, 0, 0, ..., 0, 0, 9] (length " + length + ")", a.toString());
            a.unlink();
        }
    }

    @Test
    void charAndBooleanVariantsWorkAndTravel() {
        try (CharArray c = SharedState.charArrayOf('h', 'é'); BooleanValue b = SharedState.booleanValue(false);
             RawBooleanArray flags = SharedState.rawBooleanArray(3)) {
            assertEquals("[h, é]", c.toString());
            flags.set(1, true);
            assertEquals("[false, true, false]", flags.toString());
            assertEquals("Value('?', false)", b.toString());
            CharArray c2 = Serial.roundTrip(c);
            BooleanValue b2 = Serial.roundTrip(b);
            RawBooleanArray flags2 = Serial.roundTrip(flags);
            c2.set(0, 'j');
            b2.set(true);
            assertEquals('j', c.get(0));
            assertTrue(b.get());
            assertTrue(flags2.get(1));
            assertArrayEquals(new char[] {'j', 'é'}, c.toArray());
            c.unlink();
            b.unlink();
            flags.unlink();
        }
    }

    @Test
    void valuesHoldAndPrint() {
        try (IntValue i = SharedState.intValue(7); RawLongValue l = SharedState.rawLongValue(1L << 40);
             DoubleValue d = SharedState.doubleValue(0.5)) {
            assertEquals("Value('i', 7)", i.toString());
            assertEquals("RawValue('q', 1099511627776)", l.toString());
            assertEquals(0.5, d.get());
            d.set(-2.25);
            assertEquals("Value('d', -2.25)", d.toString());
            assertEquals(8, i.incrementAndGet());
            assertEquals(10, i.addAndGet(2));
            assertEquals(10, i.getAndSet(3));
            assertTrue(i.compareAndSet(3, 4));
            assertEquals((1L << 40) + 5, l.addAndGet(5));
            try (Held held = i.hold()) {
                i.set(i.get() + 1);
            }
            assertEquals(5, i.get());
            i.unlink();
            l.unlink();
            d.unlink();
        }
    }

    @Test
    void badInputSaysWhatWasGivenAndWhatIsAllowed() {
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class, () -> SharedState.intArray(-3));
        assertTrue(neg.getMessage().contains("-3") && neg.getMessage().contains(">= 0"), neg.getMessage());
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
                () -> SharedState.rawLongArray(Integer.MAX_VALUE));
        assertTrue(huge.getMessage().contains(String.valueOf(Integer.MAX_VALUE)) && huge.getMessage().contains("at most"),
                huge.getMessage());
        try (RawIntArray a = SharedState.rawIntArray(3)) {
            IndexOutOfBoundsException oob = assertThrows(IndexOutOfBoundsException.class, () -> a.get(3));
            assertTrue(oob.getMessage().contains("index 3") && oob.getMessage().contains("0..2"), oob.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> a.set(-1, 0));
            a.unlink();
            a.close();
            IllegalStateException closed = assertThrows(IllegalStateException.class, () -> a.get(0));
            assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        }
        IllegalArgumentException nolock = assertThrows(IllegalArgumentException.class, () -> IntValue.create(1, null));
        assertTrue(nolock.getMessage().contains("null"), nolock.getMessage());
    }

    @Test
    void filesAreOwnerOnlyAndUnlinkLeavesNothingBehind() throws Exception {
        Path dir = RuntimeDir.get();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        IntValue v = SharedState.intValue(1);
        Path data = v.path();
        Path lock = v.getLock().path();
        assertEquals(dir, data.getParent());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lock)));
        IntValue copy = Serial.roundTrip(v);
        assertThrows(IllegalStateException.class, copy::unlink, "an attached handle must not delete the creator's file");
        assertTrue(Files.exists(data));
        v.unlink();
        assertFalse(Files.exists(data));
        assertFalse(Files.exists(lock), "the value's own lock must go with it");
        copy.set(9); // mappings outlive the name
        assertEquals(9, v.get());
        v.close();
        copy.close();
        Exception gone = assertThrows(Exception.class, () -> Serial.roundTrip(v));
        assertTrue(String.valueOf(gone.getMessage()).contains("closed"), String.valueOf(gone));
    }

    @Test
    void sharedLockCanGuardSeveralValues() {
        try (Lock lock = SharedState.lock(); IntValue a = IntValue.create(0, lock); IntArray b = IntArray.create(2, lock)) {
            assertTrue(a.getLock() == b.getLock());
            try (Held held = a.hold()) {
                assertFalse(lock.tryAcquire());
            }
            a.unlink();
            b.unlink();
            assertTrue(Files.exists(lock.path()), "unlinking a value must not remove a lock it was given");
            lock.unlink();
        }
    }

    // ---- across processes -------------------------------------------------------------------

    /** Child: report a[0], then write a[1] = 2 * a[0] and wait for the parent to answer in a[2]. */
    static void echo(final Object[] args) throws InterruptedException {
        RawIntArray a = (RawIntArray) args[0];
        System.out.println("SAW " + a.get(0) + " " + a);
        a.set(1, 2 * a.get(0));
        long end = System.currentTimeMillis() + 20_000;
        while (a.get(2) == 0 && System.currentTimeMillis() < end) {
            Thread.sleep(1);
        }
        System.out.println("ANSWER " + a.get(2));
    }

    @Test
    void writesAreVisibleBothWays() throws Exception {
        try (RawIntArray a = SharedState.rawIntArrayOf(21, 0, 0); ChildJvm child = ChildJvm.start(ValueArrayTest.class, "echo", a)) {
            assertEquals("21 [21, 0, 0]", child.awaitLine("SAW", 30_000));
            long end = System.currentTimeMillis() + 20_000;
            while (a.get(1) != 42 && System.currentTimeMillis() < end) {
                Thread.sleep(1);
            }
            assertEquals(42, a.get(1));
            a.set(2, 7);
            assertEquals("7", child.awaitLine("ANSWER", 30_000));
            child.assertSuccess(30_000);
            a.unlink();
        }
    }

    /** Child: wait for go, then increment n times in the given mode. */
    static void increment(final Object[] args) {
        IntValue v = (IntValue) args[0];
        RawIntValue go = (RawIntValue) args[1];
        String mode = (String) args[2];
        int n = (Integer) args[3];
        System.out.println("READY");
        while (go.get() == 0) {
            Thread.onSpinWait();
        }
        switch (mode) {
            case "raw":
                for (int i = 0; i < n; i++) {
                    v.set(v.get() + 1);
                }
                break;
            case "locked":
                for (int i = 0; i < n; i++) {
                    try (Held held = v.hold()) {
                        v.set(v.get() + 1);
                    }
                }
                break;
            case "atomic":
                for (int i = 0; i < n; i++) {
                    v.incrementAndGet();
                }
                break;
            default:
                throw new IllegalArgumentException(mode);
        }
        System.out.println("DONE");
    }

    private static int runTwo(final String mode, final int n) {
        try (IntValue v = SharedState.intValue(0); RawIntValue go = SharedState.rawIntValue(0);
             ChildJvm c1 = ChildJvm.start(ValueArrayTest.class, "increment", v, go, mode, n);
             ChildJvm c2 = ChildJvm.start(ValueArrayTest.class, "increment", v, go, mode, n)) {
            c1.awaitLine("READY", 30_000);
            c2.awaitLine("READY", 30_000);
            go.set(1);
            c1.assertSuccess(60_000);
            c2.assertSuccess(60_000);
            int total = v.get();
            v.unlink();
            go.unlink();
            return total;
        }
    }

    @Test
    void unlockedReadModifyWriteLosesUpdatesAcrossProcesses() {
        int n = 2_000_000;
        int total = runTwo("raw", n);
        for (int attempt = 0; attempt < 2 && total == 2 * n; attempt++) {
            total = runTwo("raw", n); // the children did not overlap; Python races the same way
        }
        assertTrue(total < 2 * n, "expected lost updates without the lock, got all " + total);
        // No useful lower bound: a stale write can wipe out any number of the other process's updates.
        assertTrue(total > 0, "no increment survived: " + total);
    }

    @Test
    void lockedAndAtomicIncrementsAreNeverLost() {
        assertEquals(2 * 200_000, runTwo("locked", 200_000));
        assertEquals(2 * 2_000_000, runTwo("atomic", 2_000_000));
    }
}
