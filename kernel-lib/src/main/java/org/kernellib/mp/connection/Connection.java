package org.kernellib.mp.connection;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import org.kernellib.mp.shared.SharedObject;
import org.kernellib.mp.shared.memory.Backoff;
import org.kernellib.mp.shared.queue.EmptyException;
import org.kernellib.mp.shared.queue.ItemBytes;
import org.kernellib.mp.shared.queue.ItemTooLargeException;
import org.kernellib.mp.shared.queue.Queue;
import org.kernellib.mp.shared.queue.QueueWriters;

/**
 * One end of a {@link Pipe}, like Python's {@code multiprocessing.connection.Connection}:
 * {@link #send(Object)}, {@link #recv()}, {@link #sendBytes(byte[])}, {@link #recvBytes()},
 * {@link #poll(Duration)}. A duplex end reads from one shared ring and writes to another; a
 * simplex end does only one of the two.
 *
 * <p>Messages may be of any size. One that does not fit into half the ring travels as a
 * small header followed by byte[] chunks, which the receiving end joins again; the
 * sender waits while the ring is full, so the receiver must be receiving meanwhile (as with an OS
 * pipe). As in Python, two processes must not send on (or receive from) the same end at the same
 * time, or the chunks of their large messages interleave; threads of one process may, since each
 * handle sends and receives one message at a time.
 *
 * <p>{@link #close()} closes this handle only: the other end of a pipe, in this process or any
 * other, keeps working. As with an OS pipe, {@link #recv()} raises {@link EofException} once
 * nothing is left and the sending end is closed in every process that had it, or those processes
 * ended; so close the end a child uses in the parent after {@code start()}, as in Python.
 */
public final class Connection implements SharedObject {
    private static final long serialVersionUID = 1L;
    /** How often a receiver waiting for a message checks whether any sending end is still open. */
    private static final Duration EOF_CHECK_INTERVAL = Duration.ofMillis(100);
    private static final long EOF_CHECK_NANOS = EOF_CHECK_INTERVAL.toNanos();

    private final Queue<Object> in;
    private final Queue<Object> out;
    private final transient Object sendLock = new Object();
    private final transient Object recvLock = new Object();
    private transient volatile boolean closed;

    /** A new handle: one more open sending end in this process; if it came from another process, it arrived. */
    Connection(final Queue<Object> in, final Queue<Object> out) {
        this.in = in;
        this.out = out;
        if (out != null) {
            QueueWriters.opened(out);
            QueueWriters.received(out);
        }
    }

    // ---- send ---------------------------------------------------------------------------------

    /** Sends any Serializable object (or null), of any size; waits while the other end's ring is full. */
    public void send(final Object obj) {
        Queue<Object> q = writer();
        synchronized (sendLock) {
            if (obj instanceof byte[] && ((byte[]) obj).length >= q.maxItemBytes()) {
                sendChunked(q, true, (byte[]) obj, 0, ((byte[]) obj).length);
                return;
            }
            try {
                q.put(obj);
            } catch (ItemTooLargeException tooLarge) {
                byte[] bytes = ItemBytes.toBytes(obj);
                sendChunked(q, false, bytes, 0, bytes.length);
            }
        }
    }

    /** Sends a copy of {@code bytes} (Python's {@code send_bytes}). */
    public void sendBytes(final byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("bytes must be a byte[], got null");
        }
        sendBytes(bytes, 0, bytes.length);
    }

    /** Sends {@code size} bytes of {@code buf} from {@code offset} (Python's {@code send_bytes(buf, offset, size)}). */
    public void sendBytes(final byte[] buf, final int offset, final int size) {
        if (buf == null) {
            throw new IllegalArgumentException("buf must be a byte[], got null");
        }
        if (offset < 0 || offset > buf.length) {
            throw new IllegalArgumentException("offset " + offset + " is outside the buffer of " + buf.length + " bytes");
        }
        if (size < 0 || size > buf.length - offset) {
            throw new IllegalArgumentException("size " + size + " is negative or runs past the end of the buffer ("
                    + buf.length + " bytes, offset " + offset + ")");
        }
        Queue<Object> q = writer();
        synchronized (sendLock) {
            if (size >= q.maxItemBytes()) {
                sendChunked(q, true, buf, offset, size);
            } else {
                q.put(Arrays.copyOfRange(buf, offset, offset + size));
            }
        }
    }

    private static void sendChunked(final Queue<Object> q, final boolean raw, final byte[] buf, final int offset,
                                    final int size) {
        q.put(new Chunked(raw, size));
        int chunk = q.maxItemBytes() - 1; // one byte for the element's type tag
        for (int at = 0; at < size; at += chunk) {
            q.put(Arrays.copyOfRange(buf, offset + at, offset + Math.min(size, at + chunk)));
        }
    }

    // ---- receive ------------------------------------------------------------------------------

    /** Receives the next object, waiting as long as needed. */
    public Object recv() {
        synchronized (recvLock) {
            Object o = take(reader());
            if (o instanceof Chunked) {
                Chunked c = (Chunked) o;
                byte[] bytes = join(c);
                return c.raw ? bytes : ItemBytes.fromBytes(bytes);
            }
            return o;
        }
    }

    /**
     * Receives the next message as bytes (Python's {@code recv_bytes}): what {@link #sendBytes}
     * sent (or a byte[] that {@link #send(Object)} sent), else the Java serialization of what
     * {@link #send(Object)} sent (Python's would be the pickle), which
     * {@link ItemBytes#fromBytes(byte[])} turns back into the object.
     */
    public byte[] recvBytes() {
        synchronized (recvLock) {
            Object o = take(reader());
            if (o instanceof Chunked) {
                return join((Chunked) o);
            }
            return o instanceof byte[] ? (byte[]) o : ItemBytes.toBytes(o);
        }
    }

    /**
     * Receives the next message into {@code buf} from {@code offset} and returns its length
     * (Python's {@code recv_bytes_into}); when it does not fit, throws
     * {@link BufferTooShortException}, which carries the whole message.
     */
    public int recvBytesInto(final byte[] buf, final int offset) {
        if (buf == null) {
            throw new IllegalArgumentException("buf must be a byte[], got null");
        }
        if (offset < 0 || offset > buf.length) {
            throw new IllegalArgumentException("offset " + offset + " is outside the buffer of " + buf.length + " bytes");
        }
        byte[] message = recvBytes();
        if (message.length > buf.length - offset) {
            throw new BufferTooShortException(message, buf.length - offset);
        }
        System.arraycopy(message, 0, buf, offset, message.length);
        return message.length;
    }

    /** {@link #recvBytesInto(byte[], int)} at offset 0. */
    public int recvBytesInto(final byte[] buf) {
        return recvBytesInto(buf, 0);
    }

    /** The next element, or {@link EofException} once nothing is left and no sending end is open anywhere. */
    private Object take(final Queue<Object> q) {
        while (true) {
            try {
                return q.get(EOF_CHECK_INTERVAL);
            } catch (EmptyException e) {
                // Writers first, then the ring: a writer puts before it closes, so once no writer
                // is seen, whatever it put is visible.
                if (!QueueWriters.anyOpen(q) && q.empty()) {
                    throw new EofException("nothing left to receive, and the other end of this pipe is closed in every"
                            + " process that had it (or they ended)");
                }
            }
            checkOpen();
        }
    }

    private byte[] join(final Chunked header) {
        byte[] all = new byte[header.length];
        int at = 0;
        while (at < all.length) {
            Object part = take(in);
            if (!(part instanceof byte[])) {
                throw new IllegalStateException("a large message arrived broken after " + at + " of " + all.length
                        + " bytes: two processes seem to send on the same pipe end at once");
            }
            byte[] b = (byte[]) part;
            System.arraycopy(b, 0, all, at, b.length);
            at += b.length;
        }
        return all;
    }

    // ---- poll ---------------------------------------------------------------------------------

    /** True when a message is ready now. */
    public boolean poll() {
        return !reader().empty();
    }

    /**
     * Waits at most {@code timeout} for a message; true when one is ready. As in Python, a zero
     * or negative timeout returns at once and a null one waits as long as needed.
     */
    public boolean poll(final Duration timeout) {
        Queue<Object> q = reader();
        if (!q.empty()) {
            return true;
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            return false;
        }
        Backoff backoff = new Backoff("a message on " + this);
        long deadline = Backoff.deadline(timeout == null ? -1 : timeout.toNanos());
        long nextCheck = EOF_CHECK_NANOS;
        while (q.empty()) {
            if (Backoff.expired(deadline)) {
                return false;
            }
            if (backoff.parkedNanos() >= nextCheck) {
                nextCheck = backoff.parkedNanos() + EOF_CHECK_NANOS;
                if (!QueueWriters.anyOpen(q)) {
                    return true; // as in Python: end-of-file is ready to read, and recv() raises it
                }
            }
            checkOpen();
            backoff.idle(deadline);
        }
        return true;
    }

    /**
     * For {@link Connections#wait}: true when a message is ready now or, when {@code checkEof}
     * (which costs more, so waiters ask only now and then), when no sending end is open any more.
     */
    boolean readyOrEof(final boolean checkEof) {
        Queue<Object> q = reader();
        return !q.empty() || checkEof && !QueueWriters.anyOpen(q);
    }

    /** How often a waiter should ask {@link #readyOrEof(boolean)} to check for end-of-file. */
    static long eofCheckNanos() {
        return EOF_CHECK_NANOS;
    }

    /** Python's {@code poll(timeout)} in seconds: negative returns at once, NaN is refused. */
    public boolean poll(final double timeoutSeconds) {
        if (Double.isNaN(timeoutSeconds)) {
            throw new IllegalArgumentException("timeout must be a number of seconds, got NaN");
        }
        return poll(Duration.ofNanos((long) Math.max(-1, Math.min(Long.MAX_VALUE, timeoutSeconds * 1e9))));
    }

    // ---- state --------------------------------------------------------------------------------

    private Queue<Object> reader() {
        checkOpen();
        if (in == null) {
            throw new IllegalStateException("this end of a one-way Pipe can only send");
        }
        return in;
    }

    private Queue<Object> writer() {
        checkOpen();
        if (out == null) {
            throw new IllegalStateException("this end of a one-way Pipe can only receive");
        }
        return out;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this pipe end was closed in this process (close() was called on it)");
        }
    }

    public boolean readable() {
        return in != null;
    }

    public boolean writable() {
        return out != null;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public Path path() {
        return in != null ? in.path() : out.path();
    }

    @Override
    public boolean isCreator() {
        return (in != null ? in : out).isCreator();
    }

    @Override
    public void unlink() {
        if (in != null) {
            in.unlink();
        }
        if (out != null) {
            out.unlink();
        }
    }

    /**
     * This process uses this end no more; the other end, here and in other processes, keeps
     * working. Once the sending side is closed everywhere, the receiving end gets
     * {@link EofException} after the last message.
     */
    @Override
    public void close() {
        synchronized (sendLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (out != null) {
            QueueWriters.closed(out);
        }
    }

    @Override
    public String toString() {
        return "Connection(" + (in != null ? "readable" : "") + (in != null && out != null ? ", " : "")
                + (out != null ? "writable" : "") + (isClosed() ? ", closed" : "") + ")";
    }

    /** The first element of a message too large for one ring record: the chunks follow. */
    private static final class Chunked implements Serializable {
        private static final long serialVersionUID = 1L;
        /** True for bytes sent as bytes, false for a serialized object. */
        private final boolean raw;
        private final int length;

        Chunked(final boolean raw, final int length) {
            this.raw = raw;
            this.length = length;
        }
    }

    private void writeObject(final ObjectOutputStream stream) throws IOException {
        if (out != null) {
            QueueWriters.sent(out); // counts as open until the copy is read (see QueueWriters)
        }
        stream.defaultWriteObject();
    }

    /** Serialized by default: each queue travels as its path, like every shared handle. */
    private void readObject(final ObjectInputStream stream) throws IOException, ClassNotFoundException {
        stream.defaultReadObject();
        if (in == null && out == null) {
            throw new InvalidObjectException("a Connection arrived with neither end: the stream is corrupt");
        }
    }

    /** A received end is a new handle here: the constructor counts its sending end as open. */
    private Object readResolve() {
        return new Connection(in, out);
    }
}
