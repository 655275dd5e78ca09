package org.kernellib.mp.shared;

import java.util.StringJoiner;
import java.util.function.IntFunction;

import org.kernellib.mp.shared.memory.SharedFile;
import org.kernellib.mp.shared.sync.SemLock;

/**
 * Base of the shared values and arrays: an {@link ArrayDescriptor} record in a shared file, with an
 * optional lock (the synchronized variants, like CPython's {@code sharedctypes.Synchronized}).
 *
 * <p>Single reads are acquire loads and single writes release stores: a write is visible to other
 * processes promptly and in order, but {@code v.set(v.get() + 1)} is two separate accesses and
 * loses updates under contention exactly as Python's {@code v.value += 1} does. Hold the lock
 * ({@code getLock()}) for compound updates, or use the atomic methods of int and long.
 */
public abstract class SharedData extends MappedObject {
    private static final long serialVersionUID = 1L;

    /** Arrays up to this length print every element; longer ones are abbreviated (NumPy's threshold). */
    public static final int PRINT_ALL_UP_TO = 1000;
    /** Elements shown at each end of an abbreviated array. */
    static final int EDGE_ITEMS = 3;

    /** How {@link HandleCodec} reopens a value or array: by its type and shape, with the lock sent with it. */
    static final HandleCodec.Opener OPENER = new HandleCodec.Opener(ArrayDescriptor.MAGIC, "a shared value or array",
            ArrayDescriptor.DATA_OFFSET, SharedData::reopen);

    final transient int length;
    final transient SemLock lock;
    /** True when this handle created its lock (the default RLock), so unlink() removes it too. */
    transient boolean ownsLock;

    SharedData(final SharedFile file, final SemLock lock) {
        super(file);
        this.length = file.getIntPlain(ArrayDescriptor.LENGTH_OFFSET);
        this.lock = lock;
    }

    static SharedFile allocateValue(final int type) {
        return allocate(type, 1, ArrayDescriptor.SHAPE_VALUE);
    }

    static SharedFile allocateArray(final int type, final long length) {
        return allocate(type, length, ArrayDescriptor.SHAPE_ARRAY);
    }

    private static SharedFile allocate(final int type, final long length, final int shape) {
        long size = ArrayDescriptor.fileSize(type, length);
        SharedFile f = SharedFile.create(ArrayDescriptor.typeName(type)
                + (shape == ArrayDescriptor.SHAPE_VALUE ? "-value" : "-array"), size);
        f.setIntPlain(ArrayDescriptor.TYPE_OFFSET, type);
        f.setIntPlain(ArrayDescriptor.LENGTH_OFFSET, (int) length);
        f.setIntPlain(ArrayDescriptor.SHAPE_OFFSET, shape);
        f.setIntRelease(ArrayDescriptor.MAGIC_OFFSET, ArrayDescriptor.MAGIC);
        return f;
    }

    /** {@code lock}, or an error naming the argument and the class to use for no lock. */
    static SemLock requireLock(final SemLock lock, final String unlockedClass) {
        if (lock == null) {
            throw new IllegalArgumentException("lock must be a shared Lock or RLock, got null (use " + unlockedClass
                    + " for none)");
        }
        return lock;
    }

    /** Offset of element {@code index}, after a bounds check with a message naming both. */
    final int offset(final int index, final int shift) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException("index " + index + " out of range for a shared array of length " + length
                    + " (valid: 0.." + (length - 1) + ")");
        }
        return ArrayDescriptor.DATA_OFFSET + (index << shift);
    }

    /**
     * Offset of element {@code from} of the slice {@code [from, to)}, after a bounds check with a
     * message naming both. Unlike Python's slices, negative or out-of-range bounds are errors, not
     * counted from the end or clamped: a silent clamp would hide an off-by-one.
     */
    final int sliceOffset(final int from, final int to, final int shift) {
        if (from < 0 || to < from || to > length) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") out of range for a shared array of length "
                    + length + " (need 0 <= from <= to <= " + length + ")");
        }
        return ArrayDescriptor.DATA_OFFSET + (from << shift);
    }

    /**
     * The elements as a Python list, {@code [4, 9, 25]}; past {@link #PRINT_ALL_UP_TO} elements only
     * the first and last {@value #EDGE_ITEMS} and the length, like NumPy, so that showing a huge
     * array costs no more than showing a small one.
     */
    final String format(final IntFunction<Object> element) {
        StringJoiner items = new StringJoiner(", ", "[", "]");
        boolean abbreviate = length > PRINT_ALL_UP_TO;
        for (int i = 0; i < (abbreviate ? EDGE_ITEMS : length); i++) {
            items.add(String.valueOf(element.apply(i)));
        }
        if (!abbreviate) {
            return items.toString();
        }
        items.add("...");
        for (int i = length - EDGE_ITEMS; i < length; i++) {
            items.add(String.valueOf(element.apply(i)));
        }
        return items + " (length " + length + ")";
    }

    /** Unlinks the data and, when it was made with its own default lock, that lock (not a lock given to it). */
    @Override
    public void unlink() {
        super.unlink();
        if (ownsLock) {
            lock.unlink();
        }
    }

    /** The lock travels with the data, so the receiving process guards it with the same lock. */
    @Override
    protected SharedObject companion() {
        return lock;
    }

    private static SharedData reopen(final SharedFile file, final SharedObject companion) {
        if (companion != null && !(companion instanceof SemLock)) {
            throw new IllegalStateException("its lock arrived as a " + companion.getClass().getSimpleName());
        }
        int type = file.getIntPlain(ArrayDescriptor.TYPE_OFFSET);
        int length = file.getIntPlain(ArrayDescriptor.LENGTH_OFFSET);
        int shape = file.getIntPlain(ArrayDescriptor.SHAPE_OFFSET);
        if (shape != ArrayDescriptor.SHAPE_ARRAY && shape != ArrayDescriptor.SHAPE_VALUE) {
            throw new IllegalStateException("its shape " + shape + " is neither array nor value: the file is corrupt");
        }
        if (type < ArrayDescriptor.TYPE_BYTE || type > ArrayDescriptor.TYPE_SHORT) {
            throw new IllegalStateException("its element type " + type + " is unknown: the file is corrupt");
        }
        if (length < 0 || (long) length * ArrayDescriptor.elementSize(type) > file.size() - ArrayDescriptor.DATA_OFFSET) {
            throw new IllegalStateException("its length " + length + " does not fit its " + file.size()
                    + " bytes: the file is corrupt");
        }
        return SharedDataFactories.reopen(file, type, shape == ArrayDescriptor.SHAPE_VALUE, (SemLock) companion);
    }
}
