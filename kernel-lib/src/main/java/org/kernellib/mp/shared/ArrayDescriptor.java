package org.kernellib.mp.shared;

/**
 * Memory layout of a shared {@code Value} or {@code Array} (a Value is an array of one element).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        Magic 'KLAR'                           |  0
 *  +---------------------------------------------------------------+
 *  |   Element type (1 byte, 2 boolean, 3 char, 4 int, 5 long,     |  4
 *  |                 6 double, 7 short)                            |
 *  +---------------------------------------------------------------+
 *  |                     Length (elements)                         |  8
 *  +---------------------------------------------------------------+
 *  |              Shape (0 array, 1 single value)                  | 12
 *  +---------------------------------------------------------------+
 *  |                  Reserved up to the cache line                ... 16..63
 *  +===============================================================+
 *  |                  Element 0, 1, 2 ... (native order)           ... 64..
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>The magic says what the file is (the handle codec reopens by it); type and shape say which
 * class of value or array reopens it, so a handle sent to another process is rebuilt from the file
 * alone. Elements start on a cache line so the read-only header never shares a line with data that
 * processes write, and every element is naturally aligned, which atomic access requires.
 */
final class ArrayDescriptor {
    static final int MAGIC = 0x52414C4B; // "KLAR" in little-endian memory
    static final int MAGIC_OFFSET = 0;
    static final int TYPE_OFFSET = 4;
    static final int LENGTH_OFFSET = 8;
    static final int SHAPE_OFFSET = 12;
    static final int DATA_OFFSET = 64;

    static final int TYPE_BYTE = 1;
    /** One byte per element, 0 or 1. */
    static final int TYPE_BOOLEAN = 2;
    static final int TYPE_CHAR = 3;
    static final int TYPE_INT = 4;
    static final int TYPE_LONG = 5;
    static final int TYPE_DOUBLE = 6;
    static final int TYPE_SHORT = 7;

    static final int SHAPE_ARRAY = 0;
    /** A Value: an array of one element that is shown and reopened as a value. */
    static final int SHAPE_VALUE = 1;

    private ArrayDescriptor() {
    }

    static int elementSize(final int type) {
        switch (type) {
            case TYPE_BYTE:
            case TYPE_BOOLEAN: return 1;
            case TYPE_CHAR:
            case TYPE_SHORT: return 2;
            case TYPE_INT: return 4;
            case TYPE_LONG:
            case TYPE_DOUBLE: return 8;
            default: throw new IllegalArgumentException("unknown element type " + type);
        }
    }

    static String typeName(final int type) {
        switch (type) {
            case TYPE_BYTE: return "byte";
            case TYPE_BOOLEAN: return "boolean";
            case TYPE_CHAR: return "char";
            case TYPE_INT: return "int";
            case TYPE_LONG: return "long";
            case TYPE_DOUBLE: return "double";
            case TYPE_SHORT: return "short";
            default: return "unknown type " + type;
        }
    }

    /** File size for {@code length} elements of {@code type}, or an exception naming the limit. */
    static long fileSize(final int type, final long length) {
        if (length < 0) {
            throw new IllegalArgumentException("array length must be >= 0, got " + length);
        }
        int size = elementSize(type);
        long max = (org.kernellib.mp.shared.memory.SharedFile.MAX_SIZE - DATA_OFFSET) / size;
        if (length > max) {
            throw new IllegalArgumentException("array length " + length + " is too large: a shared "
                    + typeName(type) + " array holds at most " + max + " elements (2 GiB per mapping)");
        }
        return DATA_OFFSET + Math.max(8, length * size);
    }
}
