package org.kernellib.mp.shared;

import org.kernellib.mp.connection.Connection;
import org.kernellib.mp.connection.Pipe;
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

/**
 * Factory of everything processes can share, mirroring Python's {@code multiprocessing}
 * (Value, Array, RawValue, RawArray, Lock, RLock, Semaphore, ...). Every object lives in a
 * memory-mapped file in this JVM's runtime directory and is {@link java.io.Serializable}: pass it
 * to a worker process and the worker sees the same memory.
 */
/* Not final: Multiprocessing extends it so that one static import brings in these factories too. */
public class SharedState {
    protected SharedState() {
    }

    // ---- values -------------------------------------------------------------------------------

    /** Python's {@code Value('i', initial)}: an int with an RLock. */
    public static IntValue intValue(final int initial) {
        return IntValue.create(initial);
    }

    /** Python's {@code RawValue('i', initial)}: an int without a lock. */
    public static RawIntValue rawIntValue(final int initial) {
        return RawIntValue.create(initial);
    }

    /** Python's {@code Value('q', initial)}: a long with an RLock. */
    public static LongValue longValue(final long initial) {
        return LongValue.create(initial);
    }

    /** Python's {@code RawValue('q', initial)}: a long without a lock. */
    public static RawLongValue rawLongValue(final long initial) {
        return RawLongValue.create(initial);
    }

    /** Python's {@code Value('d', initial)}: a double with an RLock. */
    public static DoubleValue doubleValue(final double initial) {
        return DoubleValue.create(initial);
    }

    /** Python's {@code RawValue('d', initial)}: a double without a lock. */
    public static RawDoubleValue rawDoubleValue(final double initial) {
        return RawDoubleValue.create(initial);
    }

    /** The typecodes {@link #value(String, Object)} and {@link #array(String, Object)} accept. */
    public static final String TYPECODES = "'i' (int), 'q' or 'l' (long), 'd' (double), '?' (boolean), 'b' (byte, arrays), 'u' (char, arrays)";

    /**
     * Python's {@code Value(typecode, initial)} with a lock: returns an {@link IntValue},
     * {@link LongValue} or {@link DoubleValue}. Prefer the typed factories in Java code; this one
     * exists for code ported from Python.
     */
    public static SharedData value(final String typecode, final Object initial) {
        switch (typecode(typecode, "Value")) {
            case 'i': return IntValue.create(number(initial, typecode, Integer.class).intValue());
            case 'q': return LongValue.create(number(initial, typecode, Long.class).longValue());
            case 'd': return DoubleValue.create(number(initial, typecode, Double.class).doubleValue());
            case '?':
                if (!(initial instanceof Boolean)) {
                    throw new IllegalArgumentException("Value('?', ...) needs a Boolean, got " + describe(initial));
                }
                return BooleanValue.create((Boolean) initial);
            default: throw new IllegalArgumentException("Value('" + typecode + "') is not supported: there are arrays of "
                    + "bytes and chars but no single-element values; use 'i' or an array of length 1");
        }
    }

    /**
     * Python's {@code Array(typecode, sizeOrValues)} with a lock: {@code sizeOrValues} is a length
     * (Integer) or a Java array of the matching primitive type.
     */
    public static SharedData array(final String typecode, final Object sizeOrValues) {
        char t = typecode(typecode, "Array");
        if (sizeOrValues instanceof Integer) {
            int n = (Integer) sizeOrValues;
            switch (t) {
                case 'i': return IntArray.create(n);
                case 'q': return LongArray.create(n);
                case 'd': return DoubleArray.create(n);
                case '?': return BooleanArray.create(n);
                case 'u': return CharArray.create(n);
                default: return ByteArray.create(n);
            }
        }
        if (t == 'i' && sizeOrValues instanceof int[]) {
            return IntArray.of((int[]) sizeOrValues);
        }
        if (t == 'q' && sizeOrValues instanceof long[]) {
            return LongArray.of((long[]) sizeOrValues);
        }
        if (t == 'd' && sizeOrValues instanceof double[]) {
            return DoubleArray.of((double[]) sizeOrValues);
        }
        if (t == 'b' && sizeOrValues instanceof byte[]) {
            return ByteArray.of((byte[]) sizeOrValues);
        }
        if (t == '?' && sizeOrValues instanceof boolean[]) {
            return BooleanArray.of((boolean[]) sizeOrValues);
        }
        if (t == 'u' && sizeOrValues instanceof char[]) {
            return CharArray.of((char[]) sizeOrValues);
        }
        if (t == 'u' && sizeOrValues instanceof String) {
            return CharArray.of(((String) sizeOrValues).toCharArray());
        }
        String want = t == 'i' ? "int[]" : t == 'q' ? "long[]" : t == 'd' ? "double[]" : t == '?' ? "boolean[]"
                : t == 'u' ? "char[] or String" : "byte[]";
        throw new IllegalArgumentException("Array('" + typecode + "', ...) needs a length (Integer) or a " + want + ", got "
                + describe(sizeOrValues));
    }

    private static char typecode(final String typecode, final String what) {
        if (typecode != null && typecode.length() == 1) {
            char c = typecode.charAt(0);
            if (c == 'i' || c == 'q' || c == 'd' || c == 'b' || c == '?' || c == 'u') {
                return c;
            }
            if (c == 'l') {
                return 'q';
            }
        }
        throw new IllegalArgumentException("unsupported " + what + " typecode " + (typecode == null ? "null" : "'" + typecode + "'")
                + "; supported: " + TYPECODES);
    }

    private static Number number(final Object v, final String typecode, final Class<? extends Number> want) {
        boolean ok = want == Double.class ? v instanceof Number
                : want == Long.class ? v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
                : v instanceof Integer || v instanceof Short || v instanceof Byte;
        if (!ok) {
            throw new IllegalArgumentException("Value('" + typecode + "', ...) needs " + (want == Double.class ? "a number"
                    : want == Long.class ? "a long (or int)" : "an int") + ", got " + describe(v));
        }
        return (Number) v;
    }

    private static String describe(final Object v) {
        return v == null ? "null" : v.getClass().getSimpleName() + " " + (v.getClass().isArray() ? "array" : String.valueOf(v));
    }

    // ---- arrays -------------------------------------------------------------------------------

    /** Python's {@code Array('i', length)}: zero-filled, with an RLock. */
    public static IntArray intArray(final int length) {
        return IntArray.create(length);
    }

    /** Python's {@code Array('i', [..])}: a copy of {@code values}, with an RLock. */
    public static IntArray intArrayOf(final int... values) {
        return IntArray.of(values);
    }

    /** Python's {@code RawArray('i', length)}. */
    public static RawIntArray rawIntArray(final int length) {
        return RawIntArray.create(length);
    }

    /** Python's {@code RawArray('i', [..])}. */
    public static RawIntArray rawIntArrayOf(final int... values) {
        return RawIntArray.of(values);
    }

    /** Python's {@code Array('q', length)}. */
    public static LongArray longArray(final int length) {
        return LongArray.create(length);
    }

    public static LongArray longArrayOf(final long... values) {
        return LongArray.of(values);
    }

    public static RawLongArray rawLongArray(final int length) {
        return RawLongArray.create(length);
    }

    public static RawLongArray rawLongArrayOf(final long... values) {
        return RawLongArray.of(values);
    }

    /** Python's {@code Array('d', length)}. */
    public static DoubleArray doubleArray(final int length) {
        return DoubleArray.create(length);
    }

    public static DoubleArray doubleArrayOf(final double... values) {
        return DoubleArray.of(values);
    }

    public static RawDoubleArray rawDoubleArray(final int length) {
        return RawDoubleArray.create(length);
    }

    public static RawDoubleArray rawDoubleArrayOf(final double... values) {
        return RawDoubleArray.of(values);
    }

    /** Python's {@code Array('b', length)}. */
    public static ByteArray byteArray(final int length) {
        return ByteArray.create(length);
    }

    public static ByteArray byteArrayOf(final byte... values) {
        return ByteArray.of(values);
    }

    public static RawByteArray rawByteArray(final int length) {
        return RawByteArray.create(length);
    }

    public static RawByteArray rawByteArrayOf(final byte... values) {
        return RawByteArray.of(values);
    }

    /** Python's {@code Array('u', length)}: UTF-16 chars. */
    public static CharArray charArray(final int length) {
        return CharArray.create(length);
    }

    public static CharArray charArrayOf(final char... values) {
        return CharArray.of(values);
    }

    public static RawCharArray rawCharArray(final int length) {
        return RawCharArray.create(length);
    }

    public static RawCharArray rawCharArrayOf(final char... values) {
        return RawCharArray.of(values);
    }

    /** Python's {@code Value('?', initial)}: a boolean with an RLock. */
    public static BooleanValue booleanValue(final boolean initial) {
        return BooleanValue.create(initial);
    }

    public static RawBooleanValue rawBooleanValue(final boolean initial) {
        return RawBooleanValue.create(initial);
    }

    /** Python's {@code Array('?', length)}. */
    public static BooleanArray booleanArray(final int length) {
        return BooleanArray.create(length);
    }

    public static BooleanArray booleanArrayOf(final boolean... values) {
        return BooleanArray.of(values);
    }

    public static RawBooleanArray rawBooleanArray(final int length) {
        return RawBooleanArray.create(length);
    }

    public static RawBooleanArray rawBooleanArrayOf(final boolean... values) {
        return RawBooleanArray.of(values);
    }

    // ---- locks --------------------------------------------------------------------------------

    /** Python's {@code Lock()}: robust, non-reentrant. */
    public static Lock lock() {
        return Lock.create();
    }

    /** Python's {@code RLock()}: robust, reentrant. */
    public static RLock rlock() {
        return RLock.create();
    }

    /** Python's {@code Semaphore(value)}. */
    public static Semaphore semaphore(final int value) {
        return Semaphore.create(value);
    }

    /** Python's {@code BoundedSemaphore(value)}. */
    public static BoundedSemaphore boundedSemaphore(final int value) {
        return BoundedSemaphore.create(value);
    }

    // ---- events, conditions, barriers --------------------------------------------------------

    /** Python's {@code Event()}. */
    public static Event event() {
        return Event.create();
    }

    /** Python's {@code Condition()}: with a new RLock. */
    public static Condition condition() {
        return Condition.create();
    }

    /** Python's {@code Condition(lock)}: {@code lock} is a shared Lock or RLock. */
    public static Condition condition(final SemLock lock) {
        return Condition.create(lock);
    }

    /** Python's {@code Barrier(parties)}. */
    public static Barrier barrier(final int parties) {
        return Barrier.create(parties);
    }

    // ---- queues -------------------------------------------------------------------------------

    /** Python's {@code Queue()}: unbounded (up to its 1 MiB ring). */
    public static <E> Queue<E> queue() {
        return Queue.create();
    }

    /** Python's {@code Queue(maxsize)}; 0 means unbounded. */
    public static <E> Queue<E> queue(final int maxsize) {
        return Queue.create(maxsize);
    }

    /** A queue with a ring of {@code capacityBytes} (items may take up to half of it). */
    public static <E> Queue<E> queue(final int maxsize, final int capacityBytes) {
        return Queue.create(maxsize, capacityBytes);
    }

    /** Python's {@code JoinableQueue()}. */
    public static <E> JoinableQueue<E> joinableQueue() {
        return JoinableQueue.create();
    }

    /** Python's {@code JoinableQueue(maxsize)}. */
    public static <E> JoinableQueue<E> joinableQueue(final int maxsize) {
        return JoinableQueue.create(maxsize);
    }

    /** Python's {@code SimpleQueue()}. */
    public static <E> SimpleQueue<E> simpleQueue() {
        return SimpleQueue.create();
    }

    /** Python's {@code Pipe()}: two duplex {@link Connection} ends. */
    public static Connection[] pipe() {
        return Pipe.create();
    }

    /** Python's {@code Pipe(duplex)}: with false, end 0 only receives and end 1 only sends. */
    public static Connection[] pipe(final boolean duplex) {
        return Pipe.create(duplex);
    }

    static SemLock requireLock(final SemLock lock) {
        if (lock == null) {
            throw new IllegalArgumentException("lock must be a shared Lock or RLock, got null");
        }
        return lock;
    }
}
