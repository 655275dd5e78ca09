package org.kernellib.mp.shared.memory;

import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * A fixed-length list in a named {@link SharedMemory} block, Python's
 * {@code multiprocessing.shared_memory.ShareableList}, with the same layout
 * ({@link ShareableListLayout}): a list made here reads correctly in Python and the other way round.
 *
 * <pre>{@code
 * ShareableList sl = ShareableList.of(42L, 3.5, true, "héllo", new byte[] {1, 2}, null);
 * // Python: sl = ShareableList(name="psm_...")   ->  [42, 3.5, True, 'héllo', b'\x01\x02', None]
 * sl.set(0, "text");              // any item may take another type, if its allocation fits
 * sl.close();
 * sl.unlink();
 * }</pre>
 *
 * <p>Items are what Python's are: {@code Long} (Python int: {@link Integer}, {@link Short} and
 * {@link Byte} are stored as one), {@code Double} (float: {@link Float} too), {@code Boolean},
 * {@code String} (str, UTF-8), {@code byte[]} (bytes) and {@code null} (None); {@link #get(int)}
 * returns these types. As in Python the length is fixed, a string or bytes item can later hold at
 * most as many bytes as it was given room for at creation ({@code 8 * (n / 8 + 1)} for n bytes),
 * a number 8, and trailing NUL characters of a string or bytes item are lost on reading.
 *
 * <p>No lock guards the items, as in Python: processes that write the same item need a
 * {@code Lock} of their own. Creation, attaching, closing, unlinking and the rule for who unlinks
 * are {@link SharedMemory}'s. From Python, a list Java created is attached with
 * {@code ShareableList(name=...)} followed by
 * {@code resource_tracker.unregister(sl.shm._name, "shared_memory")}, or Python's resource tracker
 * unlinks it when that Python program ends.
 *
 * <p>Differences from Python: indexes are Java's (no negative indexes, no slices); a non-ASCII
 * string gets room for its UTF-8 bytes instead of being cut short (see
 * {@link ShareableListLayout}); {@link #indexOf} and {@link #count} compare {@code byte[]} items
 * by content and numbers after the conversion above, as Python's {@code index} and {@code count}
 * compare values.
 */
public final class ShareableList extends AbstractList<Object> implements RandomAccess, AutoCloseable, Serializable {
    private static final long serialVersionUID = 1L;

    private final transient SharedMemory shm;
    private final transient ShareableListLayout layout;

    private ShareableList(final SharedMemory shm, final ShareableListLayout layout) {
        this.shm = shm;
        this.layout = layout;
    }

    /** A new list in a block with a fresh name: {@code ShareableList([...])}. */
    public static ShareableList of(final Object... items) {
        return create(Arrays.asList(items));
    }

    /** A new list of {@code items} in a block with a fresh name. */
    public static ShareableList create(final List<?> items) {
        return create(null, items);
    }

    /** A new list of {@code items} in a block called {@code name}: {@code ShareableList([...], name=name)}. */
    public static ShareableList create(final String name, final List<?> items) {
        List<Object> values = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            values.add(normalize(items.get(i), "item " + i));
        }
        ShareableListLayout layout = ShareableListLayout.plan(values);
        // An empty list still needs its 16 header bytes; CPython asks for exactly as many.
        SharedMemory shm = name == null ? SharedMemory.create(layout.totalSize())
                : SharedMemory.create(name, layout.totalSize());
        ShareableList list = new ShareableList(shm, layout);
        layout.writeHeader(shm.buf());
        for (int i = 0; i < values.size(); i++) {
            list.store(i, values.get(i));
        }
        return list;
    }

    /** The list in the existing block called {@code name}: {@code ShareableList(name=name)}. */
    public static ShareableList attach(final String name) {
        SharedMemory shm = SharedMemory.attach(name);
        try {
            return new ShareableList(shm, ShareableListLayout.read(shm.buf()));
        } catch (RuntimeException e) {
            shm.close();
            throw e;
        }
    }

    /** The block (Python's {@code shm}). */
    public SharedMemory shm() {
        return shm;
    }

    /** The block's name, to attach with. */
    public String name() {
        return shm.name();
    }

    @Override
    public int size() {
        return layout.length();
    }

    /** Item {@code index}: a Long, Double, Boolean, String, byte[] or null. */
    @Override
    public Object get(final int index) {
        Objects.checkIndex(index, size());
        ByteBuffer block = shm.buf();
        String format = layout.format(block, index);
        byte code = block.get(layout.codeOffset(index));
        int at = layout.itemOffset(index);
        Object raw;
        int stringLength = ShareableListLayout.stringFormatLength(format);
        if (stringLength >= 0) {
            if (stringLength > block.capacity() - at) {
                throw new IllegalStateException("item " + index + " has format '" + format + "', which runs past the"
                        + " end of the block");
            }
            byte[] bytes = new byte[stringLength];
            block.get(at, bytes);
            raw = bytes;
        } else {
            switch (format) {
                case ShareableListLayout.LONG: raw = block.getLong(at); break;
                case ShareableListLayout.DOUBLE: raw = block.getDouble(at); break;
                case ShareableListLayout.BOOLEAN: raw = block.get(at + 7) != 0; break;
                case ShareableListLayout.NONE: raw = block.get(at + 6) != 0; break;
                default:
                    throw new IllegalStateException("item " + index + " has struct format '" + format
                            + "', which no ShareableList writes");
            }
        }
        switch (code) {
            case ShareableListLayout.AS_IS: return raw;
            case ShareableListLayout.STRING: return decode(stripTrailingNuls(requireBytes(raw, index, code)), index);
            case ShareableListLayout.BYTES: return stripTrailingNuls(requireBytes(raw, index, code));
            case ShareableListLayout.NULL: return null;
            default:
                throw new IllegalStateException("item " + index + " has back-transform code " + code
                        + "; ShareableList writes 0 to 3");
        }
    }

    /**
     * Stores {@code value} as item {@code index} (Python's {@code sl[index] = value}) and returns
     * the item it replaced. A string or bytes value must fit the room the item was created with.
     */
    @Override
    public Object set(final int index, final Object value) {
        Objects.checkIndex(index, size());
        Object item = normalize(value, "the value");
        Object previous = get(index);
        store(index, item);
        return previous;
    }

    private void store(final int index, final Object item) {
        ByteBuffer block = shm.buf();
        int at = layout.itemOffset(index);
        if (item instanceof String || item instanceof byte[]) {
            byte[] bytes = item instanceof String ? encode((String) item) : (byte[]) item;
            int room = layout.allocated(index);
            if (bytes.length > room) {
                throw new IllegalArgumentException("item " + index + " has room for " + room + " bytes, and this "
                        + (item instanceof String ? "string is " : "value is ") + bytes.length
                        + " bytes long (as in Python, a ShareableList item never grows); make the list with a"
                        + " longer value in that place");
            }
            String current = layout.format(block, index);
            int width = ShareableListLayout.stringFormatLength(current);
            // CPython keeps an item's "<n>s" format; a format that would cut these bytes or reach past
            // the item's room (a block not written by a ShareableList) is replaced by the room's.
            if (width < bytes.length || width > room) {
                width = room;
                current = room + "s";
            }
            layout.writeFormat(block, index, current);
            block.put(layout.codeOffset(index), item instanceof String ? ShareableListLayout.STRING
                    : ShareableListLayout.BYTES);
            byte[] padded = Arrays.copyOf(bytes, width);
            block.put(at, padded);
            return;
        }
        if (item == null) {
            layout.writeFormat(block, index, ShareableListLayout.NONE);
            block.put(layout.codeOffset(index), ShareableListLayout.NULL);
            block.putLong(at, 0L);
        } else if (item instanceof Boolean) {
            layout.writeFormat(block, index, ShareableListLayout.BOOLEAN);
            block.put(layout.codeOffset(index), ShareableListLayout.AS_IS);
            block.putLong(at, 0L);
            block.put(at + 7, (byte) ((Boolean) item ? 1 : 0));
        } else if (item instanceof Long) {
            layout.writeFormat(block, index, ShareableListLayout.LONG);
            block.put(layout.codeOffset(index), ShareableListLayout.AS_IS);
            block.putLong(at, (Long) item);
        } else {
            layout.writeFormat(block, index, ShareableListLayout.DOUBLE);
            block.put(layout.codeOffset(index), ShareableListLayout.AS_IS);
            block.putDouble(at, (Double) item);
        }
    }

    /** The struct format of every item, concatenated (Python's {@code format}). */
    public String format() {
        ByteBuffer block = shm.buf();
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < size(); i++) {
            all.append(layout.format(block, i));
        }
        return all.toString();
    }

    /** How many items equal {@code value} (Python's {@code count}). */
    public int count(final Object value) {
        Object wanted = normalize(value, "the value");
        int n = 0;
        for (Object item : this) {
            if (Objects.deepEquals(item, wanted)) {
                n++;
            }
        }
        return n;
    }

    /** The first index of an item equal to {@code value}, or -1; {@code byte[]} items compare by content. */
    @Override
    public int indexOf(final Object value) {
        Object wanted = normalize(value, "the value");
        for (int i = 0; i < size(); i++) {
            if (Objects.deepEquals(get(i), wanted)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean contains(final Object value) {
        return indexOf(value) >= 0;
    }

    /** Ends this handle's access to the block (see {@link SharedMemory#close()}). */
    @Override
    public void close() {
        shm.close();
    }

    /** Removes the block's name (see {@link SharedMemory#unlink()}). */
    public void unlink() {
        shm.unlink();
    }

    @Override
    public String toString() {
        if (shm.isClosed()) {
            return "ShareableList(closed, name='" + name() + "')";
        }
        StringBuilder s = new StringBuilder("ShareableList([");
        for (int i = 0; i < size(); i++) {
            Object item = get(i);
            s.append(i == 0 ? "" : ", ").append(item instanceof byte[] ? Arrays.toString((byte[]) item) : item);
        }
        return s.append("], name='").append(name()).append("')").toString();
    }

    /** Python's type for a Java value, or an error listing what is accepted. */
    private static Object normalize(final Object value, final String what) {
        if (value == null || value instanceof Long || value instanceof Double || value instanceof Boolean
                || value instanceof String || value instanceof byte[]) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float) {
            return ((Float) value).doubleValue();
        }
        throw new IllegalArgumentException(what + " is a " + value.getClass().getName() + "; a ShareableList holds"
                + " what Python's holds: Long (or Integer, Short, Byte) for int, Double (or Float) for float,"
                + " Boolean, String, byte[] and null");
    }

    /** Strict UTF-8, as Python's {@code str.encode}: a lone surrogate is an error, not a '?'. */
    static byte[] encode(final String s) {
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the string \"" + s + "\" is not valid Unicode (a lone surrogate?),"
                    + " so it has no UTF-8 form", e);
        }
    }

    private static String decode(final byte[] bytes, final int index) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("item " + index + " is marked as a string but its bytes are not UTF-8"
                    + " (Python cuts a non-ASCII string that outgrew its room mid-character)", e);
        }
    }

    private static byte[] requireBytes(final Object raw, final int index, final byte code) {
        if (!(raw instanceof byte[])) {
            throw new IllegalStateException("item " + index + " has back-transform code " + code
                    + " but a format that is not '<n>s'");
        }
        return (byte[]) raw;
    }

    private static byte[] stripTrailingNuls(final byte[] bytes) {
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        return end == bytes.length ? bytes : Arrays.copyOf(bytes, end);
    }

    /** Travels as its block's name and attaches at the other end, as Python pickles it. */
    private Object writeReplace() throws ObjectStreamException {
        return new BlockByName(name(), true);
    }

    private void readObject(final java.io.ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("a ShareableList travels as its name only");
    }
}
