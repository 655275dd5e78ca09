package org.kernellib.mp.pool;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

import org.kernellib.mp.serial.ObjectCodec;

/**
 * The frames of a pool's work, on each worker's own pipes beside its lifecycle frames (the layout
 * of every frame is the one of {@link org.kernellib.mp.connection.FrameDescriptor}, these types
 * are from its {@code FIRST_TASK_TYPE} on): parent to worker on the worker's stdin
 * ({@code WorkerHandle.sendToTask}), worker to parent marked inside its stderr, a large frame in
 * pieces ({@code ParentPipes.send}). No socket, so no token and no peer to check: nobody else holds
 * a worker's pipes, and a cold worker does not pay for the JDK's socket support.
 * <ul>
 * <li>{@link #HELLO} worker to parent, first: its loop takes frames now; empty. A pool without
 *     initializer takes the worker as ready here.</li>
 * <li>{@link #INIT} parent to worker, only for a pool with an initializer: an encoded
 *     {@code TaskPayload} of it; answered by {@link #INIT_OK} or {@link #INIT_FAILED}
 *     ({@code UTF class, UTF trace}), and the worker is ready at that answer. The parent writes
 *     INIT right behind the worker's task, so it waits in the pipe and costs no round trip.</li>
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
 * <li>{@link #STOP} parent to worker: end the loop after the frames before it, and exit.</li>
 * <li>{@link #BULK} worker to parent, id = the id of the frame it stands for: {@code byte type,
 *     UTF file name}; a frame (a RESULT) whose payload is in that file of the pool's runtime
 *     directory, because a pipe would make the worker wait for it ({@link BulkPayloads}).</li>
 * </ul>
 * A worker that its parent left (stdin ended) halts, as every worker does.
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
    static final byte STOP = 52;
    static final byte BULK = 53;
    static final byte HELLO = 54;

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
