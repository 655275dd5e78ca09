"""The Java templates gen_shared_data.py fills in, one per generated shape of code.

Placeholders are string.Template fields ($java, ${T}, ...); gen_shared_data.py says what each is.
"""

IMPORTS = """package org.kernellib.mp.shared;

import org.kernellib.mp.shared.memory.SharedFile;
import org.kernellib.mp.shared.sync.Held;
import org.kernellib.mp.shared.sync.RLock;
import org.kernellib.mp.shared.sync.SemLock;

"""


ATOMIC_VALUE_METHODS = """
    /** Atomically adds {@code delta} and returns the new value (exact across processes). */
    public $java addAndGet(final $java delta) {
        return file.getAndAdd$acc(ArrayDescriptor.DATA_OFFSET, delta) + delta;
    }

    /** Atomically adds {@code delta} and returns the previous value. */
    public $java getAndAdd(final $java delta) {
        return file.getAndAdd$acc(ArrayDescriptor.DATA_OFFSET, delta);
    }

    /** Atomically adds one and returns the new value. */
    public $java incrementAndGet() {
        return file.getAndAdd$acc(ArrayDescriptor.DATA_OFFSET, 1) + 1;
    }

    /** Atomically subtracts one and returns the new value. */
    public $java decrementAndGet() {
        return file.getAndAdd$acc(ArrayDescriptor.DATA_OFFSET, -1) - 1;
    }

    /** Atomically sets {@code value} if the current value is {@code expected}; true when it did. */
    public boolean compareAndSet(final $java expected, final $java value) {
        return file.compareAndSet$acc(ArrayDescriptor.DATA_OFFSET, expected, value);
    }

    /** Atomically sets {@code value} and returns the previous value. */
    public $java getAndSet(final $java value) {
        return file.getAndSet$acc(ArrayDescriptor.DATA_OFFSET, value);
    }
"""


RAW_VALUE = """/**
 * A single $java in shared memory without a lock, like Python's {@code RawValue('$code')}.
 * {@link #get()} is an acquire load and {@link #set($java)} a release store, so
 * {@code v.set(v.get() + 1)} races between processes as in Python. $advice
 */
public class Raw${T}Value extends SharedData {
    private static final long serialVersionUID = 1L;

    Raw${T}Value(final SharedFile file, final SemLock lock) {
        super(file, lock);
    }

    /** Creates a shared $java holding {@code initial}. */
    public static Raw${T}Value create(final $java initial) {
        return new Raw${T}Value(allocate(initial), null);
    }

    static SharedFile allocate(final $java initial) {
        SharedFile f = allocateValue(ArrayDescriptor.$dtype);
        $store_initial;
        return f;
    }

    /** The current value (acquire load). */
    public $java get() {
        return $load;
    }

    /** Stores {@code value} (release store); not atomic with a preceding {@link #get()}. */
    public void set(final $java value) {
        $store_value;
    }
$atomic
    @Override
    public String toString() {
        return file.isClosed() ? "RawValue('$code', closed)" : "RawValue('$code', " + get() + ")";
    }
}
"""


VALUE = """/**
 * A single $java in shared memory with a lock, like Python's {@code Value('$code')}. The lock is an
 * {@link RLock} unless another lock is given; hold it for compound updates:
 * {@code try (var held = v.hold()) { v.set(v.get() + 1); }}. Single {@link #get()} and
 * {@link #set($java)} calls do not take the lock: they are single machine accesses already.
 */
public final class ${T}Value extends Raw${T}Value {
    private static final long serialVersionUID = 1L;

    ${T}Value(final SharedFile file, final SemLock lock) {
        super(file, lock);
    }

    /** Creates a shared $java holding {@code initial}, with a new {@link RLock}. */
    public static ${T}Value create(final $java initial) {
        ${T}Value v = new ${T}Value(allocate(initial), RLock.create());
        v.ownsLock = true;
        return v;
    }

    /** Creates a shared $java holding {@code initial}, guarded by {@code lock} (shared with others). */
    public static ${T}Value create(final $java initial, final SemLock lock) {
        SemLock guard = requireLock(lock, "Raw${T}Value");
        return new ${T}Value(allocate(initial), guard);
    }

    /** The lock that guards this value (Python's {@code get_lock()}). */
    public SemLock getLock() {
        return lock;
    }

    /** Acquires the lock for try-with-resources. */
    public Held hold() {
        return lock.hold();
    }

    @Override
    public String toString() {
        return file.isClosed() ? "Value('$code', closed)" : "Value('$code', " + get() + ")";
    }
}
"""


ATOMIC_ARRAY_METHODS = """
    /** Atomically adds {@code delta} to element {@code index} and returns the new value. */
    public $java addAndGet(final int index, final $java delta) {
        return file.getAndAdd$acc(offset(index, $shift), delta) + delta;
    }

    /** Atomically adds {@code delta} to element {@code index} and returns the previous value. */
    public $java getAndAdd(final int index, final $java delta) {
        return file.getAndAdd$acc(offset(index, $shift), delta);
    }

    /** Atomically adds one to element {@code index} and returns the new value. */
    public $java incrementAndGet(final int index) {
        return file.getAndAdd$acc(offset(index, $shift), 1) + 1;
    }

    /** Atomically subtracts one from element {@code index} and returns the new value. */
    public $java decrementAndGet(final int index) {
        return file.getAndAdd$acc(offset(index, $shift), -1) - 1;
    }

    /** Atomically sets element {@code index} to {@code value} if it is {@code expected}. */
    public boolean compareAndSet(final int index, final $java expected, final $java value) {
        return file.compareAndSet$acc(offset(index, $shift), expected, value);
    }
"""


RAW_ARRAY = """/**
 * A fixed-length array of $java in shared memory without a lock, like Python's
 * {@code RawArray('$code', n)}. Element reads are acquire loads and writes release stores; a
 * read-modify-write of an element races between processes unless done ${atomically_or}under a lock.
 */
public class Raw${T}Array extends SharedData {
    private static final long serialVersionUID = 1L;

    Raw${T}Array(final SharedFile file, final SemLock lock) {
        super(file, lock);
    }

    /** Creates a zero-filled shared array of {@code length} elements (0 or more). */
    public static Raw${T}Array create(final int length) {
        return new Raw${T}Array(allocateArray(ArrayDescriptor.$dtype, length), null);
    }

    /** Creates a shared array holding a copy of {@code values}. */
    public static Raw${T}Array of(final $java... values) {
        return new Raw${T}Array(allocate(values), null);
    }

    static SharedFile allocate(final $java[] values) {
        if (values == null) {
            throw new IllegalArgumentException("values must be $article $java[], got null");
        }
        SharedFile f = allocateArray(ArrayDescriptor.$dtype, values.length);
        for (int i = 0; i < values.length; i++) {
            $store_each;
        }
        return f;
    }

    /** Number of elements. */
    public int length() {
        return length;
    }

    /** Element {@code index} (acquire load). */
    public $java get(final int index) {
        return $load_index;
    }

    /** Stores {@code value} at {@code index} (release store). */
    public void set(final int index, final $java value) {
        $store_index;
    }

    /**
     * Python's {@code a[from:to]}: a copy of elements {@code from} (inclusive) to {@code to}
     * (exclusive). Bounds outside {@code 0 <= from <= to <= length()} are an error, not clamped.
     */
    public $java[] get(final int from, final int to) {
        final int first = sliceOffset(from, to, $shift);
        $java[] out = new $java[to - from];
        for (int i = 0; i < out.length; i++) {
            out[i] = $load_slice;
        }
        return out;
    }

    /**
     * Python's {@code a[from:from + len(values)] = values}: stores {@code values} from element
     * {@code from} on; they must fit in the array.
     */
    public void set(final int from, final $java[] values) {
        if (values == null) {
            throw new NullPointerException("the argument 'values' of set(from, values) is null");
        }
        final int first = sliceOffset(from, from + values.length, $shift);
        for (int i = 0; i < values.length; i++) {
            $store_slice;
        }
    }
$atomic
    /** A copy of the elements (not a consistent snapshot while others write; the synchronized variant locks). */
    public $java[] toArray() {
        $java[] out = new $java[length];
        for (int i = 0; i < out.length; i++) {
            out[i] = $load_each;
        }
        return out;
    }

    /**
     * The elements like Python's list, {@code [4, 9, 25]}; an array longer than
     * {@value SharedData#PRINT_ALL_UP_TO} shows only its first and last few elements and its length,
     * like NumPy: {@code [0, 1, 2, ..., 997, 998, 999] (length 1000000)}.
     */
    @Override
    public String toString() {
        return file.isClosed() ? "[closed]" : format(this::get);
    }
}
"""


ARRAY = """/**
 * A fixed-length array of $java in shared memory with a lock, like Python's {@code Array('$code', n)}.
 * {@link #toArray()} and {@link #toString()} hold the lock for a consistent copy; single element
 * accesses do not; hold the lock ({@code try (var held = a.hold()) { ... }}) for compound updates.
 */
public final class ${T}Array extends Raw${T}Array {
    private static final long serialVersionUID = 1L;

    ${T}Array(final SharedFile file, final SemLock lock) {
        super(file, lock);
    }

    /** Creates a zero-filled shared array of {@code length} elements with a new {@link RLock}. */
    public static ${T}Array create(final int length) {
        ${T}Array a = new ${T}Array(allocateArray(ArrayDescriptor.$dtype, length), RLock.create());
        a.ownsLock = true;
        return a;
    }

    /** Creates a zero-filled shared array guarded by {@code lock}. */
    public static ${T}Array create(final int length, final SemLock lock) {
        SemLock guard = requireLock(lock, "Raw${T}Array");
        return new ${T}Array(allocateArray(ArrayDescriptor.$dtype, length), guard);
    }

    /** Creates a shared array holding a copy of {@code values}, with a new {@link RLock}. */
    public static ${T}Array of(final $java... values) {
        ${T}Array a = new ${T}Array(allocate(values), RLock.create());
        a.ownsLock = true;
        return a;
    }

    /** The lock that guards this array (Python's {@code get_lock()}). */
    public SemLock getLock() {
        return lock;
    }

    /** Acquires the lock for try-with-resources. */
    public Held hold() {
        return lock.hold();
    }

    /** A consistent copy of the slice {@code [from, to)}, taken under the lock (as Python's slice read). */
    @Override
    public $java[] get(final int from, final int to) {
        try (Held held = lock.hold()) {
            return super.get(from, to);
        }
    }

    /** Stores {@code values} from element {@code from} on, under the lock (as Python's slice assignment). */
    @Override
    public void set(final int from, final $java[] values) {
        try (Held held = lock.hold()) {
            super.set(from, values);
        }
    }

    /** A consistent copy, taken under the lock. */
    @Override
    public $java[] toArray() {
        try (Held held = lock.hold()) {
            return super.toArray();
        }
    }

    /** The elements as {@link Raw${T}Array#toString()} shows them, read under the lock. */
    @Override
    public String toString() {
        if (file.isClosed()) {
            return super.toString();
        }
        try (Held held = lock.hold()) {
            return super.toString();
        }
    }
}
"""


FACTORIES = """package org.kernellib.mp.shared;

import org.kernellib.mp.shared.memory.SharedFile;
import org.kernellib.mp.shared.sync.SemLock;

$mark/**
 * Every factory of shared values and arrays, one set per element type, like Python's
 * {@code Value}, {@code RawValue}, {@code Array} and {@code RawArray}. {@link SharedState} extends
 * it, so {@code SharedState.intValue(0)} and a static import of {@code SharedState.*} (or of
 * {@code Multiprocessing.*}) reach them.
 */
public class SharedDataFactories {
    /** The typecodes {@link #value(String, Object)} and {@link #array(String, Object)} accept. */
    public static final String TYPECODES = "$typecodes";

    protected SharedDataFactories() {
    }
$typed
    // ---- Python's typecode factories ----------------------------------------------------------

    /**
     * Python's {@code Value(typecode, initial)} with a lock: returns
     * $value_returns.
     * Prefer the typed factories in Java code; this one exists for code ported from Python.
     */
    public static SharedData value(final String typecode, final Object initial) {
        final String call = "Value(typecode, initial)";
        switch (typecode(typecode, call)) {
$value_cases
            default:
                throw new IllegalArgumentException(call + ": typecode '" + typecode + "' has arrays but no single-element"
                        + " value; use 'i' or an array of length 1");
        }
    }

    /**
     * Python's {@code Array(typecode, sizeOrValues)} with a lock: {@code sizeOrValues} is a length
     * (Integer) or a Java array of the matching primitive type ({@code 'u'} also takes a String).
     */
    public static SharedData array(final String typecode, final Object sizeOrValues) {
        final String call = "Array(typecode, sizeOrValues)";
        final char code = typecode(typecode, call);
        final boolean isLength = sizeOrValues instanceof Integer;
        switch (code) {
$array_cases
            default:
                throw new AssertionError(code);
        }
    }

    /** The canonical typecode of {@code typecode}, or an error naming the argument and the choices. */
    private static char typecode(final String typecode, final String call) {
        if (typecode != null && typecode.length() == 1) {
            switch (typecode.charAt(0)) {
$typecode_cases
                default:
                    break;
            }
        }
        throw new IllegalArgumentException(call + ": typecode must be one of " + TYPECODES + "; got "
                + (typecode == null ? "null" : "'" + typecode + "'"));
    }

    private static IllegalArgumentException wrong(final String call, final String argument, final String typecode,
            final String wanted, final Object got) {
        return new IllegalArgumentException(call + ": " + argument + " must be " + wanted + " for typecode '" + typecode
                + "', got " + describe(got));
    }

    private static String describe(final Object v) {
        return v == null ? "null" : v.getClass().getSimpleName() + " " + (v.getClass().isArray() ? "array" : String.valueOf(v));
    }

    // ---- reopening in another process (see HandleCodec) ---------------------------------------

    /** The handle over {@code file}, whose element type and shape its descriptor holds. */
    static SharedData reopen(final SharedFile file, final int elementType, final boolean value, final SemLock lock) {
        switch (elementType) {
$reopen_cases
            default:
                throw new IllegalStateException("its element type " + elementType + " is unknown: the file is corrupt");
        }
    }
}
"""


TYPED_VALUE_FACTORIES = """
    /** Python's {@code Value('$code', initial)}: $article $java with an RLock. */
    public static ${T}Value ${lower}Value(final $java initial) {
        return ${T}Value.create(initial);
    }

    /** Python's {@code RawValue('$code', initial)}: $article $java without a lock. */
    public static Raw${T}Value raw${T}Value(final $java initial) {
        return Raw${T}Value.create(initial);
    }
"""


TYPED_ARRAY_FACTORIES = """
    /** Python's {@code Array('$code', length)}: $length_desc with an RLock. */
    public static ${T}Array ${lower}Array(final int length) {
        return ${T}Array.create(length);
    }

    /** Python's {@code Array('$code', [...])}: a copy of {@code values}, with an RLock. */
    public static ${T}Array ${lower}ArrayOf(final $java... values) {
        return ${T}Array.of(values);
    }

    /** Python's {@code RawArray('$code', length)}: $length_desc without a lock. */
    public static Raw${T}Array raw${T}Array(final int length) {
        return Raw${T}Array.create(length);
    }

    /** Python's {@code RawArray('$code', [...])}: a copy of {@code values}, without a lock. */
    public static Raw${T}Array raw${T}ArrayOf(final $java... values) {
        return Raw${T}Array.of(values);
    }
"""


VALUE_CASE = """            case '$code':
                if (!($accepts)) {
                    throw wrong(call, "initial", typecode, "$wanted", initial);
                }
                return ${T}Value.create($convert);"""


ARRAY_CASE = """            case '$code':
                if (isLength) {
                    return ${T}Array.create((Integer) sizeOrValues);
                }
                if (sizeOrValues instanceof $java[]) {
                    return ${T}Array.of(($java[]) sizeOrValues);
                }$extra
                throw wrong(call, "sizeOrValues", typecode, "a length (Integer) or $wanted", sizeOrValues);"""


CHAR_FROM_STRING = """
                if (sizeOrValues instanceof String) {
                    return ${T}Array.of(((String) sizeOrValues).toCharArray());
                }"""


REOPEN_CASE = """            case ArrayDescriptor.$dtype:
$value_branch                return lock == null ? new Raw${T}Array(file, null) : new ${T}Array(file, lock);"""


REOPEN_VALUE_BRANCH = """                if (value) {
                    return lock == null ? new Raw${T}Value(file, null) : new ${T}Value(file, lock);
                }
"""


REOPEN_NO_VALUE_BRANCH = """                if (value) {
                    throw new IllegalStateException("it claims to be a single $java value, which does not exist: the file is corrupt");
                }
"""
