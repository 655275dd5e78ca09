package org.kernellib.mp.cpython;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.process.Process;
import org.kernellib.mp.shared.ByteArray;
import org.kernellib.mp.shared.DoubleArray;
import org.kernellib.mp.shared.DoubleValue;
import org.kernellib.mp.shared.IntArray;
import org.kernellib.mp.shared.IntValue;
import org.kernellib.mp.shared.LongValue;
import org.kernellib.mp.shared.RawByteArray;
import org.kernellib.mp.shared.RawByteValue;
import org.kernellib.mp.shared.RawDoubleArray;
import org.kernellib.mp.shared.RawDoubleValue;
import org.kernellib.mp.shared.RawIntArray;
import org.kernellib.mp.shared.RawIntValue;
import org.kernellib.mp.shared.RawLongValue;
import org.kernellib.mp.shared.RawShortValue;
import org.kernellib.mp.shared.SharedData;
import org.kernellib.mp.shared.SharedDataFactories;
import org.kernellib.mp.shared.SharedState;
import org.kernellib.mp.shared.sync.Lock;

/**
 * CPython's {@code _TestValue}, {@code _TestArray} and {@code _TestSharedCTypes} cases
 * ({@code Lib/test/_test_multiprocessing.py}), with the Java names: {@code Value(code, v)} is
 * {@code value(code, v)} (or the typed {@code intValue(v)}, ...), {@code .value} is
 * {@code get()}/{@code set(v)}, {@code arr[2:7]} is {@code get(2, 7)}, {@code arr[4:8] = ...} is
 * {@code set(4, ...)}, {@code get_lock()} is {@code getLock()}. A raw value or array has no
 * {@code getLock} at all, so Python's "has no attribute" is a compile-time fact here, checked by
 * reflection. A bad typecode is an {@link IllegalArgumentException} that lists the typecodes
 * (Python: {@code TypeError}). Not ported: ctypes structures ({@code _Foo}) and {@code copy()},
 * which kernel-lib does not offer.
 */
class SharedCtypesCasesTest {

    // ---- _TestValue.test_value, test_rawvalue -----------------------------------------------

    /** CPython's codes_values: typecode, first value, value the child writes. */
    private static final Object[][] CODES_VALUES = {
        {"i", 4343, 24234},
        {"d", 3.625, -4.25},
        {"h", (short) -232, (short) 234},
        {"q", 1L << 33, 1L << 34},
        {"c", (byte) 'x', (byte) 'y'},
    };

    private static Object read(final SharedData v) {
        if (v instanceof RawIntValue) {
            return ((RawIntValue) v).get();
        } else if (v instanceof RawDoubleValue) {
            return ((RawDoubleValue) v).get();
        } else if (v instanceof RawShortValue) {
            return ((RawShortValue) v).get();
        } else if (v instanceof RawLongValue) {
            return ((RawLongValue) v).get();
        }
        return ((RawByteValue) v).get();
    }

    private static void write(final SharedData v, final Object x) {
        if (v instanceof RawIntValue) {
            ((RawIntValue) v).set((Integer) x);
        } else if (v instanceof RawDoubleValue) {
            ((RawDoubleValue) v).set((Double) x);
        } else if (v instanceof RawShortValue) {
            ((RawShortValue) v).set((Short) x);
        } else if (v instanceof RawLongValue) {
            ((RawLongValue) v).set((Long) x);
        } else {
            ((RawByteValue) v).set((Byte) x);
        }
    }

    private static SharedData rawValue(final String code, final Object v) {
        switch (code) {
            case "i":
                return SharedDataFactories.rawIntValue((Integer) v);
            case "d":
                return SharedDataFactories.rawDoubleValue((Double) v);
            case "h":
                return SharedDataFactories.rawShortValue((Short) v);
            case "q":
                return SharedDataFactories.rawLongValue((Long) v);
            default:
                return SharedDataFactories.rawByteValue((Byte) v);
        }
    }

    private static void checkValues(final boolean raw) {
        SharedData[] values = new SharedData[CODES_VALUES.length];
        for (int k = 0; k < values.length; k++) {
            String code = (String) CODES_VALUES[k][0];
            values[k] = raw ? rawValue(code, CODES_VALUES[k][1]) : SharedDataFactories.value(code, CODES_VALUES[k][1]);
        }
        for (int k = 0; k < values.length; k++) {
            assertEquals(CODES_VALUES[k][1], read(values[k]), (String) CODES_VALUES[k][0]);
        }
        Process proc = new Process(() -> {
            for (int k = 0; k < values.length; k++) {
                write(values[k], CODES_VALUES[k][2]);
            }
        }).daemon(true);
        proc.start();
        proc.join();
        for (int k = 0; k < values.length; k++) {
            assertEquals(CODES_VALUES[k][2], read(values[k]), (String) CODES_VALUES[k][0]);
        }
    }

    @Test
    void testValue() {
        checkValues(false);
    }

    @Test
    void testRawvalue() {
        checkValues(true);
    }

    // ---- _TestValue.test_getobj_getlock -----------------------------------------------------

    private static boolean hasGetLock(final Class<?> c) {
        return Arrays.stream(c.getMethods()).anyMatch(m -> m.getName().equals("getLock"));
    }

    @Test
    void testValueGetobjGetlock() {
        IntValue val1 = SharedState.intValue(5);
        assertTrue(val1.getLock() != null);
        assertEquals(5, val1.get());

        Lock lock = SharedState.lock();
        IntValue val3 = IntValue.create(5, lock);
        assertSame(lock, val3.getLock());

        SharedData arr5 = SharedDataFactories.rawIntValue(5);
        assertFalse(hasGetLock(arr5.getClass()), "a raw value has no lock");
        assertTrue(hasGetLock(val1.getClass()));
    }

    @Test
    void testValueInvalidTypecode() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SharedDataFactories.value("x", null));
        assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("'i'"), e.getMessage());
    }

    // ---- _TestArray.test_array, test_rawarray -----------------------------------------------

    private static void prefixSums(final int[] seq) {
        for (int i = 1; i < seq.length; i++) {
            seq[i] += seq[i - 1];
        }
    }

    private static void checkArray(final boolean raw) {
        int[] seq = {680, 626, 934, 821, 150, 233, 548, 982, 714, 831};
        RawIntArray arr = raw ? SharedDataFactories.rawIntArrayOf(seq) : SharedDataFactories.intArrayOf(seq);

        assertEquals(seq.length, arr.length());
        assertEquals(seq[3], arr.get(3));
        assertArrayEquals(Arrays.copyOfRange(seq, 2, 7), arr.get(2, 7));

        int[] four = {1, 2, 3, 4};
        arr.set(4, four);
        System.arraycopy(four, 0, seq, 4, 4);
        assertArrayEquals(seq, arr.toArray());

        prefixSums(seq);
        Process p = new Process(() -> {
            for (int i = 1; i < arr.length(); i++) {
                arr.set(i, arr.get(i) + arr.get(i - 1));
            }
        }).daemon(true);
        p.start();
        p.join();
        assertArrayEquals(seq, arr.toArray());
    }

    @Test
    void testArray() {
        checkArray(false);
    }

    @Test
    void testRawarray() {
        checkArray(true);
    }

    // ---- _TestArray.test_array_from_size ----------------------------------------------------

    @Test
    void testArrayFromSize() {
        int size = 10;
        for (int round = 0; round < 3; round++) { // a new array is zeroed (issue #11675)
            IntArray arr = (IntArray) SharedDataFactories.array("i", size);
            assertEquals(size, arr.length());
            assertArrayEquals(new int[size], arr.toArray());
            arr.set(0, IntStream.range(0, 10).toArray());
            assertArrayEquals(IntStream.range(0, 10).toArray(), arr.toArray());
            arr.unlink();
        }
    }

    // ---- _TestArray.test_getobj_getlock_obj -------------------------------------------------

    @Test
    void testArrayGetobjGetlockObj() {
        IntArray arr1 = SharedDataFactories.intArrayOf(IntStream.range(0, 10).toArray());
        assertTrue(arr1.getLock() != null);
        Lock lock = SharedState.lock();
        IntArray arr3 = IntArray.create(10, lock);
        assertSame(lock, arr3.getLock());
        assertFalse(hasGetLock(SharedDataFactories.rawIntArray(10).getClass()), "a raw array has no lock");
    }

    @Test
    void testArrayInvalidTypecode() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SharedDataFactories.array("x", new int[0]));
        assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("'i'"), e.getMessage());
    }

    // ---- _TestSharedCTypes.test_sharedctypes, test_synchronize ------------------------------

    /** CPython's {@code string.value}: the bytes up to the first NUL. */
    private static String cString(final RawByteArray string) {
        byte[] all = string.toArray();
        int n = 0;
        while (n < all.length && all[n] != 0) {
            n++;
        }
        return new String(all, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static void checkSharedctypes(final boolean lock) {
        SharedData x = lock ? SharedState.intValue(7) : SharedDataFactories.rawIntValue(7);
        SharedData y = lock ? SharedState.doubleValue(1.0 / 3.0) : SharedDataFactories.rawDoubleValue(1.0 / 3.0);
        SharedData z = lock ? SharedState.longValue(1L << 33) : SharedDataFactories.rawLongValue(1L << 33);
        RawDoubleArray arr = lock ? SharedState.doubleArrayOf(IntStream.range(0, 10).asDoubleStream().toArray())
                : SharedDataFactories.rawDoubleArrayOf(IntStream.range(0, 10).asDoubleStream().toArray());
        RawByteArray string = lock ? (ByteArray) SharedDataFactories.array("c", 20) : SharedDataFactories.rawByteArray(20);
        string.set(0, "hello".getBytes(StandardCharsets.ISO_8859_1));

        Process p = new Process(() -> {
            ((RawIntValue) x).set(((RawIntValue) x).get() * 2);
            ((RawDoubleValue) y).set(((RawDoubleValue) y).get() * 2);
            ((RawLongValue) z).set(((RawLongValue) z).get() * 2);
            String s = cString(string);
            string.set(0, (s + s).getBytes(StandardCharsets.ISO_8859_1));
            for (int i = 0; i < arr.length(); i++) {
                arr.set(i, arr.get(i) * 2);
            }
        }).daemon(true);
        p.start();
        p.join();

        assertEquals(14, ((RawIntValue) x).get());
        assertEquals(2.0 / 3.0, ((RawDoubleValue) y).get(), 1e-7);
        assertEquals(1L << 34, ((RawLongValue) z).get());
        for (int i = 0; i < 10; i++) {
            assertEquals(i * 2, arr.get(i), 1e-7);
        }
        assertEquals("hellohello", cString(string));
        if (lock) {
            for (Object synced : List.of(x, y, z, arr, string)) {
                assertTrue(hasGetLock(synced.getClass()), synced.getClass().getName());
            }
            assertTrue(x instanceof IntValue && y instanceof DoubleValue && z instanceof LongValue
                    && arr instanceof DoubleArray && string instanceof ByteArray);
        }
    }

    @Test
    void testSharedctypes() {
        checkSharedctypes(false);
    }

    @Test
    void testSynchronize() {
        checkSharedctypes(true);
    }
}
