package org.kernellib.mp.shared;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.nio.file.Paths;
import java.util.Map;
import java.util.function.BiFunction;

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

    final transient int length;
    final transient SemLock lock;
    /** True when this handle created its lock (the default RLock), so unlink() removes it too. */
    transient boolean ownsLock;

    SharedData(final SharedFile file, final SemLock lock) {
        super(file);
        this.length = file.getIntPlain(ArrayDescriptor.LENGTH_OFFSET);
        this.lock = lock;
    }

    static SharedFile allocate(final int type, final long length) {
        long size = ArrayDescriptor.fileSize(type, length);
        SharedFile f = SharedFile.create(ArrayDescriptor.typeName(type) + (length == 1 ? "-value" : "-array"), size);
        f.setIntPlain(ArrayDescriptor.TYPE_OFFSET, type);
        f.setIntPlain(ArrayDescriptor.LENGTH_OFFSET, (int) length);
        f.setIntRelease(ArrayDescriptor.MAGIC_OFFSET, ArrayDescriptor.MAGIC);
        return f;
    }

    /** Offset of element {@code index}, after a bounds check with a message naming both. */
    final int offset(final int index, final int shift) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException("index " + index + " out of range for a shared array of length " + length
                    + " (valid: 0.." + (length - 1) + ")");
        }
        return ArrayDescriptor.DATA_OFFSET + (index << shift);
    }



    /** Unlinks the data and, when it was made with its own default lock, that lock (not a lock given to it). */
    @Override
    public void unlink() {
        super.unlink();
        if (ownsLock) {
            lock.unlink();
        }
    }


    abstract int elementType();

    // ---- serialization ------------------------------------------------------------------------

    private static final Map<String, BiFunction<SharedFile, SemLock, SharedData>> FACTORIES = Map.ofEntries(
            Map.entry("RawIntValue", (f, l) -> new RawIntValue(f, l)),
            Map.entry("IntValue", (f, l) -> new IntValue(f, l)),
            Map.entry("RawLongValue", (f, l) -> new RawLongValue(f, l)),
            Map.entry("LongValue", (f, l) -> new LongValue(f, l)),
            Map.entry("RawDoubleValue", (f, l) -> new RawDoubleValue(f, l)),
            Map.entry("DoubleValue", (f, l) -> new DoubleValue(f, l)),
            Map.entry("RawIntArray", (f, l) -> new RawIntArray(f, l)),
            Map.entry("IntArray", (f, l) -> new IntArray(f, l)),
            Map.entry("RawLongArray", (f, l) -> new RawLongArray(f, l)),
            Map.entry("LongArray", (f, l) -> new LongArray(f, l)),
            Map.entry("RawDoubleArray", (f, l) -> new RawDoubleArray(f, l)),
            Map.entry("DoubleArray", (f, l) -> new DoubleArray(f, l)),
            Map.entry("RawByteArray", (f, l) -> new RawByteArray(f, l)),
            Map.entry("ByteArray", (f, l) -> new ByteArray(f, l)),
            Map.entry("RawCharArray", (f, l) -> new RawCharArray(f, l)),
            Map.entry("CharArray", (f, l) -> new CharArray(f, l)),
            Map.entry("RawBooleanValue", (f, l) -> new RawBooleanValue(f, l)),
            Map.entry("BooleanValue", (f, l) -> new BooleanValue(f, l)),
            Map.entry("RawBooleanArray", (f, l) -> new RawBooleanArray(f, l)),
            Map.entry("BooleanArray", (f, l) -> new BooleanArray(f, l)));

    Object writeReplace() throws ObjectStreamException {
        if (file.isClosed()) {
            throw new java.io.NotSerializableException("cannot send " + getClass().getSimpleName() + " at " + file.path()
                    + ": it was closed in this process");
        }
        return new Ref(getClass().getSimpleName(), elementType(), file.path().toString(), lock);
    }

    private void readObject(final ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("shared data handles are deserialized through their Ref proxy");
    }

    /** Serialized form: class, element type, path, and the lock's own handle. */
    private static final class Ref implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String type;
        private final int elementType;
        private final String path;
        private final SemLock lock;

        Ref(final String type, final int elementType, final String path, final SemLock lock) {
            this.type = type;
            this.elementType = elementType;
            this.path = path;
            this.lock = lock;
        }

        private Object readResolve() throws ObjectStreamException {
            BiFunction<SharedFile, SemLock, SharedData> factory = FACTORIES.get(type);
            if (factory == null) {
                throw new InvalidObjectException("unknown shared data type " + type);
            }
            try {
                SharedFile f = SharedFile.attach(Paths.get(path));
                if (f.size() < ArrayDescriptor.DATA_OFFSET || f.getIntAcquire(ArrayDescriptor.MAGIC_OFFSET) != ArrayDescriptor.MAGIC
                        || f.getIntPlain(ArrayDescriptor.TYPE_OFFSET) != elementType) {
                    throw new IllegalStateException(path + " does not hold a shared " + ArrayDescriptor.typeName(elementType) + " array");
                }
                return factory.apply(f, lock);
            } catch (RuntimeException e) {
                InvalidObjectException ex = new InvalidObjectException("cannot attach to shared " + type + " at " + path
                        + ": " + e.getMessage());
                ex.initCause(e);
                throw ex;
            }
        }
    }
}
