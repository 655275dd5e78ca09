package org.kernellib.mp.shared.memory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Where a {@link ShareableList} keeps what: CPython's layout
 * ({@code Lib/multiprocessing/shared_memory.py}), byte for byte, so that either language reads
 * and writes what the other made. All numbers are in the machine's byte order and alignment
 * (Python's {@code struct} default, {@code '@'}); N is the number of items.
 *
 * <pre>
 * offset                         size    content
 * 0                              8       N, a signed 64-bit int ("q")
 * 8                              8(N+1)  allocated offsets ("q" each): item i owns the bytes
 *                                        [off[i], off[i+1]) of the data area; off[0] = 0 and
 *                                        off[N] is the data area's size
 * dataStart = 8(N+2)             off[N]  the data area; every item owns a multiple of 8 bytes
 * formats = dataStart + off[N]   8N      each item's struct format, ASCII, NUL-padded to 8 bytes
 * codes = formats + 8N           N       each item's back-transform code, a signed byte
 * total = codes + N                      (struct.calcsize adds no padding at the end)
 * </pre>
 *
 * <p>Items, their format and code (an item's format changes when another type is stored in its
 * place; its allocation never does):
 *
 * <pre>
 * Python  Java                          format       code  bytes of the item
 * int     Long (Integer, Short, Byte)   "q"          0     8: signed 64-bit
 * float   Double (Float)                "d"          0     8: IEEE 754 binary64
 * bool    Boolean                       "xxxxxxx?"   0     8: seven zero bytes, then 0 or 1
 * None    null                          "xxxxxx?x"   3     8: zero (a '?' of None is False)
 * str     String                        "&lt;n&gt;s" 1     n: UTF-8, NUL-padded; trailing NULs are stripped on reading
 * bytes   byte[]                        "&lt;n&gt;s" 2     n: as is, NUL-padded; trailing NULs are stripped on reading
 * </pre>
 *
 * <p>Allocation: 8 bytes for a number, boolean or null; for bytes of length L,
 * {@code 8 * (L / 8 + 1)} (so at least one NUL follows). For a string CPython applies the same
 * formula to its length in <em>characters</em> and then packs its UTF-8 bytes into that room,
 * cutting a string whose UTF-8 form is longer (non-ASCII text) short, even mid-character. Java
 * allocates exactly as CPython wherever the UTF-8 bytes fit (every ASCII string), and otherwise
 * {@code 8 * (U / 8 + 1)} for U UTF-8 bytes, so that nothing is ever cut; Python reads either, since
 * a reader follows the offsets stored in the block.
 */
final class ShareableListLayout {
    /** Every item's allocation is a multiple of this. */
    static final int ALIGNMENT = 8;
    /** Bytes of one item's struct format. */
    static final int FORMAT_BYTES = 8;

    static final String LONG = "q";
    static final String DOUBLE = "d";
    static final String BOOLEAN = "xxxxxxx?";
    static final String NONE = "xxxxxx?x";

    /** Back-transform codes: how the unpacked value becomes the item. */
    static final byte AS_IS = 0;
    static final byte STRING = 1;
    static final byte BYTES = 2;
    static final byte NULL = 3;

    private final int length;
    private final long[] offsets;

    private ShareableListLayout(final int length, final long[] offsets) {
        this.length = length;
        this.offsets = offsets;
    }

    /** The layout CPython would give these items (normalized by {@link ShareableList}), up to the rule above for strings. */
    static ShareableListLayout plan(final List<Object> items) {
        long[] offsets = new long[items.size() + 1];
        for (int i = 0; i < items.size(); i++) {
            offsets[i + 1] = offsets[i] + allocationFor(items.get(i));
        }
        ShareableListLayout layout = new ShareableListLayout(items.size(), offsets);
        if (layout.totalSize() > SharedFile.MAX_SIZE) {
            throw new IllegalArgumentException("these items need " + layout.totalSize() + " bytes; a block holds at most "
                    + SharedFile.MAX_SIZE);
        }
        return layout;
    }

    private static long allocationFor(final Object item) {
        if (item instanceof String) {
            String s = (String) item;
            long cpythonRoom = roomFor(s.codePointCount(0, s.length()));
            int utf8 = ShareableList.encode(s).length;
            return utf8 <= cpythonRoom ? cpythonRoom : roomFor(utf8);
        }
        if (item instanceof byte[]) {
            return roomFor(((byte[]) item).length);
        }
        return ALIGNMENT;
    }

    private static long roomFor(final long length) {
        return ALIGNMENT * (length / ALIGNMENT + 1);
    }

    /** Reads N and the allocated offsets of a block some process laid out, checking they fit it. */
    static ShareableListLayout read(final ByteBuffer block) {
        long n = block.getLong(0);
        long maxItems = (block.capacity() - 16) / (8 + FORMAT_BYTES + 1);
        if (n < 0 || n > maxItems) {
            throw new IllegalStateException("the block says it holds " + n + " items, which cannot fit its "
                    + block.capacity() + " bytes: it is not a ShareableList");
        }
        int length = (int) n;
        long[] offsets = new long[length + 1];
        for (int i = 0; i <= length; i++) {
            offsets[i] = block.getLong(8 + 8 * i);
            boolean badStart = i == 0 && offsets[0] != 0;
            if (badStart || i > 0 && offsets[i] < offsets[i - 1]) {
                throw new IllegalStateException("item offsets in the block are not increasing from 0: it is not a"
                        + " ShareableList");
            }
        }
        ShareableListLayout layout = new ShareableListLayout(length, offsets);
        if (layout.totalSize() > block.capacity()) {
            throw new IllegalStateException("the block's layout needs " + layout.totalSize() + " bytes but the"
                    + " block has " + block.capacity() + ": it is not a ShareableList");
        }
        return layout;
    }

    /** Writes N and the offsets (the header CPython writes first). */
    void writeHeader(final ByteBuffer block) {
        block.putLong(0, length);
        for (int i = 0; i <= length; i++) {
            block.putLong(8 + 8 * i, offsets[i]);
        }
    }

    int length() {
        return length;
    }

    int dataStart() {
        return (length + 2) * 8;
    }

    int itemOffset(final int index) {
        return Math.toIntExact(dataStart() + offsets[index]);
    }

    int allocated(final int index) {
        return Math.toIntExact(offsets[index + 1] - offsets[index]);
    }

    int formatOffset(final int index) {
        return Math.toIntExact(dataStart() + offsets[length] + (long) FORMAT_BYTES * index);
    }

    int codeOffset(final int index) {
        return Math.toIntExact(dataStart() + offsets[length] + (long) FORMAT_BYTES * length + index);
    }

    long totalSize() {
        return dataStart() + offsets[length] + (long) (FORMAT_BYTES + 1) * length;
    }

    /** Item {@code index}'s struct format, its NUL padding stripped. */
    String format(final ByteBuffer block, final int index) {
        byte[] raw = new byte[FORMAT_BYTES];
        block.get(formatOffset(index), raw);
        int end = raw.length;
        while (end > 0 && raw[end - 1] == 0) {
            end--;
        }
        return new String(raw, 0, end, StandardCharsets.US_ASCII);
    }

    void writeFormat(final ByteBuffer block, final int index, final String format) {
        byte[] ascii = format.getBytes(StandardCharsets.US_ASCII);
        if (ascii.length > FORMAT_BYTES) {
            throw new IllegalArgumentException("struct format '" + format + "' is longer than " + FORMAT_BYTES
                    + " bytes, so the item is too large for a ShareableList (Python refuses it too)");
        }
        byte[] padded = new byte[FORMAT_BYTES];
        System.arraycopy(ascii, 0, padded, 0, ascii.length);
        block.put(formatOffset(index), padded);
    }

    /** The byte count of a {@code "<n>s"} format, or -1 for any other format. */
    static int stringFormatLength(final String format) {
        if (format.length() < 2 || !format.endsWith("s")) {
            return -1;
        }
        try {
            return Integer.parseInt(format.substring(0, format.length() - 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
