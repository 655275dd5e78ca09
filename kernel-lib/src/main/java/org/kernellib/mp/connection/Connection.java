package org.kernellib.mp.connection;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.nio.file.Path;
import java.time.Duration;

import org.kernellib.mp.shared.SharedObject;
import org.kernellib.mp.shared.memory.Backoff;
import org.kernellib.mp.shared.queue.Queue;

/**
 * One end of a {@link Pipe}, like Python's {@code multiprocessing.connection.Connection}:
 * {@link #send(Object)}, {@link #recv()}, {@link #poll(Duration)}. A duplex end reads from one
 * shared ring and writes to another; a simplex end does only one of the two.
 */
public final class Connection implements SharedObject {
    private static final long serialVersionUID = 1L;

    private final Queue<Object> in;
    private final Queue<Object> out;

    Connection(final Queue<Object> in, final Queue<Object> out) {
        this.in = in;
        this.out = out;
    }

    /** Sends any Serializable object (or null); waits while the other end's ring is full. */
    public void send(final Object obj) {
        if (out == null) {
            throw new IllegalStateException("this end of a one-way Pipe can only receive");
        }
        out.put(obj);
    }

    /** Sends a copy of {@code bytes} (Python's {@code send_bytes}). */
    public void sendBytes(final byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("bytes must be a byte[], got null");
        }
        send(bytes.clone());
    }

    /** Receives the next object, waiting as long as needed. */
    public Object recv() {
        return reader().get();
    }

    /** Receives the next message, which must be a byte[] (Python's {@code recv_bytes}). */
    public byte[] recvBytes() {
        Object o = recv();
        if (!(o instanceof byte[])) {
            throw new IllegalStateException("recvBytes() expected a byte[] message, got "
                    + (o == null ? "null" : o.getClass().getName()));
        }
        return (byte[]) o;
    }

    /** True when a message is ready now. */
    public boolean poll() {
        return !reader().empty();
    }

    /** Waits at most {@code timeout} for a message; true when one is ready. */
    public boolean poll(final Duration timeout) {
        Queue<Object> q = reader();
        if (!q.empty()) {
            return true;
        }
        Backoff backoff = new Backoff("a message on " + this);
        long deadline = Backoff.deadline(timeout.isNegative() ? -1 : timeout.toNanos());
        while (q.empty()) {
            if (Backoff.expired(deadline) || timeout.isZero()) {
                return false;
            }
            backoff.idle(deadline);
        }
        return true;
    }

    private Queue<Object> reader() {
        if (in == null) {
            throw new IllegalStateException("this end of a one-way Pipe can only send");
        }
        return in;
    }

    public boolean readable() {
        return in != null;
    }

    public boolean writable() {
        return out != null;
    }

    public boolean isClosed() {
        return (in == null || in.isClosed()) && (out == null || out.isClosed());
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

    @Override
    public void close() {
        if (in != null) {
            in.close();
        }
        if (out != null) {
            out.close();
        }
    }

    @Override
    public String toString() {
        return "Connection(" + (in != null ? "readable" : "") + (in != null && out != null ? ", " : "")
                + (out != null ? "writable" : "") + (isClosed() ? ", closed" : "") + ")";
    }

    /** Serialized by default: each queue travels as its path, like every shared handle. */
    private void readObject(final ObjectInputStream stream) throws IOException, ClassNotFoundException {
        stream.defaultReadObject();
        if (in == null && out == null) {
            throw new InvalidObjectException("a Connection arrived with neither end: the stream is corrupt");
        }
    }
}
