package org.kernellib.mp.serial;

import java.io.ObjectInputFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link ObjectInputFilter} every object stream of kernel-lib reads through (see
 * {@link ShippingObjectInputStream}): queue items, pipe messages, pool items and results, task
 * payloads and copied variables. It bounds what a message written by another process can make
 * this one do before a single object of it is used:
 *
 * <table>
 * <caption>Limits, each a system property</caption>
 * <tr><th>property</th><th>default</th><th>bounds</th></tr>
 * <tr><td>{@code kernellib.serial.maxDepth}</td><td>{@value #DEFAULT_MAX_DEPTH}</td>
 *     <td>how deep objects nest (a deeper stream would overflow the reader's stack; one
 *     that overflows a small stack before this depth is refused too)</td></tr>
 * <tr><td>{@code kernellib.serial.maxArrayLength}</td><td>{@value #DEFAULT_MAX_ARRAY_LENGTH}</td>
 *     <td>the elements of one array</td></tr>
 * <tr><td>{@code kernellib.serial.maxRefs}</td><td>{@value #DEFAULT_MAX_REFS}</td>
 *     <td>the objects and references in one message</td></tr>
 * <tr><td>{@code kernellib.serial.maxBytes}</td><td>{@value #DEFAULT_MAX_BYTES}</td>
 *     <td>the bytes of one message</td></tr>
 * </table>
 *
 * <p>On top of these, an array may not announce more elements than the message has bytes left to
 * hold them (one byte per element at least, eight for a {@code long[]}): an honest array cannot
 * be longer than its own encoding, while a forged length would make the reader allocate gigabytes
 * from a message of a few bytes. A JVM-wide filter ({@code jdk.serialFilter}), if one is set, is
 * asked too and can only refuse more.
 *
 * <p>The defaults let real data through: a 20 MB {@code byte[]}, a list of millions of numbers,
 * records nested hundreds of levels deep. To raise one, set the property in the kernel before starting
 * workers ({@code System.setProperty("kernellib.serial.maxDepth", "5000")} or
 * {@code -Dkernellib.serial.maxDepth=5000}); workers started afterwards get the same values
 * ({@link #workerFlags()}).
 */
public final class DeserializationLimits implements ObjectInputFilter {
    public static final String MAX_DEPTH = "kernellib.serial.maxDepth";
    public static final String MAX_ARRAY_LENGTH = "kernellib.serial.maxArrayLength";
    public static final String MAX_REFS = "kernellib.serial.maxRefs";
    public static final String MAX_BYTES = "kernellib.serial.maxBytes";

    public static final long DEFAULT_MAX_DEPTH = 1000;
    public static final long DEFAULT_MAX_ARRAY_LENGTH = 1L << 30;
    public static final long DEFAULT_MAX_REFS = 100_000_000L;
    public static final long DEFAULT_MAX_BYTES = 1L << 30;

    /** Block-data headers read ahead of an array's elements are counted as read; allow for them. */
    private static final long READ_AHEAD_SLACK = 1024;

    private final long streamLength;
    private final String source;
    private final long maxDepth = limit(MAX_DEPTH, DEFAULT_MAX_DEPTH);
    private final long maxArrayLength = limit(MAX_ARRAY_LENGTH, DEFAULT_MAX_ARRAY_LENGTH);
    private final long maxRefs = limit(MAX_REFS, DEFAULT_MAX_REFS);
    private final long maxBytes = limit(MAX_BYTES, DEFAULT_MAX_BYTES);
    private volatile String rejection;

    /**
     * A filter for one stream.
     *
     * @param streamLength the bytes the stream holds, or -1 when not known in advance
     * @param source what is being read, for the error ("a queue item")
     */
    DeserializationLimits(final long streamLength, final String source) {
        this.streamLength = streamLength;
        this.source = source;
    }

    /** Why this filter refused the stream, or null while it has not. */
    String rejection() {
        return rejection;
    }

    @Override
    public Status checkInput(final FilterInfo info) {
        ObjectInputFilter global = Config.getSerialFilter();
        if (global != null && global.checkInput(info) == Status.REJECTED) {
            return reject("the JVM-wide filter jdk.serialFilter refused "
                    + (info.serialClass() == null ? "it" : info.serialClass().getName()), null);
        }
        if (info.depth() > maxDepth) {
            return reject("objects nest " + info.depth() + " levels deep, more than the limit of " + maxDepth, MAX_DEPTH);
        }
        if (info.references() > maxRefs) {
            return reject("it holds more than " + maxRefs + " objects and references", MAX_REFS);
        }
        if (info.streamBytes() > maxBytes || streamLength > maxBytes) {
            return reject("it is " + Math.max(info.streamBytes(), streamLength) + " bytes long, more than the limit of "
                    + maxBytes, MAX_BYTES);
        }
        long length = info.arrayLength();
        if (length >= 0) {
            String type = info.serialClass() == null ? "an array" : "a " + info.serialClass().getComponentType().getName()
                    + "[]";
            long left = streamLength - info.streamBytes() + READ_AHEAD_SLACK;
            if (streamLength >= 0 && length * bytesPerElement(info.serialClass()) > left) {
                return reject(type + " announces " + length + " elements, but the whole message has only "
                        + streamLength + " bytes: the message is corrupt or forged", null);
            }
            if (length > maxArrayLength) {
                return reject(type + " announces " + length + " elements, more than the limit of " + maxArrayLength,
                        MAX_ARRAY_LENGTH);
            }
        }
        return Status.UNDECIDED;
    }

    private Status reject(final String why, final String property) {
        rejection = "refused to read " + source + " written by another process: " + why
                + (property == null ? "" : ". If this is real data, raise the limit with the system property "
                        + property + " (see DeserializationLimits)");
        return Status.REJECTED;
    }

    /** The least bytes one element of an array of {@code type} takes in a stream. */
    private static long bytesPerElement(final Class<?> type) {
        Class<?> c = type == null ? null : type.getComponentType();
        if (c == long.class || c == double.class) {
            return 8;
        }
        if (c == int.class || c == float.class) {
            return 4;
        }
        if (c == char.class || c == short.class) {
            return 2;
        }
        return 1; // byte, boolean, and any object element (a null is one byte)
    }

    private static long limit(final String property, final long fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Falls through to the error below.
        }
        throw new IllegalArgumentException("the system property " + property + " must be a positive whole number, got '"
                + v + "'");
    }

    /** {@code -D} flags that give a worker JVM the limits set in this one (none when all are defaults). */
    public static List<String> workerFlags() {
        List<String> flags = new ArrayList<>();
        for (String p : List.of(MAX_DEPTH, MAX_ARRAY_LENGTH, MAX_REFS, MAX_BYTES)) {
            String v = System.getProperty(p);
            if (v != null && !v.isBlank()) {
                flags.add("-D" + p + "=" + v.trim());
            }
        }
        return flags;
    }
}
