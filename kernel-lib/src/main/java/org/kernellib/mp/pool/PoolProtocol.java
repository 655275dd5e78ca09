package org.kernellib.mp.pool;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

import org.kernellib.mp.serial.ObjectCodec;

/**
 * Frames on a pool worker's own connection (the layout of every frame is the one of
 * {@link org.kernellib.mp.connection.FrameDescriptor}; this connection is separate from the
 * worker's control connection, which keeps carrying the worker's lifecycle frames). The first
 * frame is the ordinary {@code HELLO} (token, pid) checked by the control server. Then:
 * <ul>
 * <li>{@link #INIT} parent to worker: an encoded {@code TaskPayload} of the initializer; answered
 *     by {@link #INIT_OK} or {@link #INIT_FAILED} ({@code UTF class, UTF trace}). A pool without
 *     initializer sends no INIT: a worker's loop runs from its HELLO on, and a round trip to a
 *     cold JVM would only delay the pool's start. (A worker still answers an INIT with an empty
 *     payload by INIT_OK.)</li>
 * <li>{@link #JOB} parent to worker, id = call id: the encoded {@code TaskPayload} of the call's
 *     function with the snapshot of the notebook variables taken at the call. Sent once per worker
 *     per call, before its first chunk.</li>
 * <li>{@link #CHUNK} parent to worker, id = call id: {@code int chunk, int firstItem} and the items
 *     as {@link PoolCodec} writes them.</li>
 * <li>{@link #RESULT} worker to parent, id = call id: {@code int chunk, long startNanos, long
 *     endNanos} (epoch nanoseconds) and the results as {@link PoolCodec} writes them.</li>
 * <li>{@link #ERROR} worker to parent, id = call id: {@code int chunk, long start, long end,
 *     int item, UTF class, UTF message, int n, n bytes trace (UTF-8), int m, m bytes serialized
 *     exception (m = 0 if it could not be serialized)}.</li>
 * <li>{@link #SKIPPED} worker to parent, id = call id: {@code int chunk}; the call was cancelled
 *     before the worker began the chunk.</li>
 * <li>{@link #CANCEL} parent to worker, id = call id: skip that call's chunks not yet begun.</li>
 * <li>{@link #FORGET} parent to worker, id = call id: the call is over; drop its class loader.</li>
 * <li>{@link #CLASS_REQUEST} worker to parent, id = request: {@code int callId, UTF class};
 *     {@link #CLASS_BYTES} answers with the class file or an empty payload.</li>
 * </ul>
 * The pool ends a worker by closing the connection.
 */
final class PoolProtocol {
    static final byte INIT = 40;
    static final byte INIT_OK = 41;
    static final byte INIT_FAILED = 42;
    static final byte JOB = 43;
    static final byte CHUNK = 44;
    static final byte RESULT = 45;
    static final byte ERROR = 46;
    static final byte SKIPPED = 47;
    static final byte CANCEL = 48;
    static final byte FORGET = 49;
    static final byte CLASS_REQUEST = 50;
    static final byte CLASS_BYTES = 51;

    private PoolProtocol() {
    }

    static long epochNanos(final Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    static Instant instant(final long epochNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L),
                Math.floorMod(epochNanos, 1_000_000_000L));
    }

    static byte[] serialize(final Object o) throws IOException {
        return ObjectCodec.serialize(o);
    }

    /** A payload made of a few ints and longs followed by raw bytes. */
    static byte[] frame(final int head, final long a, final long b, final byte[] tail) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream(20 + tail.length);
        try (DataOutputStream d = new DataOutputStream(bos)) {
            d.writeInt(head);
            d.writeLong(a);
            d.writeLong(b);
            d.write(tail);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    static ByteArrayInputStream tail(final byte[] payload, final int offset) {
        return new ByteArrayInputStream(payload, offset, payload.length - offset);
    }

    static String truncate(final String s, final int max) {
        return s == null ? "" : s.length() > max ? s.substring(0, max) : s;
    }
}
