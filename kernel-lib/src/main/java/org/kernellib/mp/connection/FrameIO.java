package org.kernellib.mp.connection;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Encoding and reading the frames of {@link FrameDescriptor} on a byte channel (the pool's
 * Unix-domain socket, see {@link FrameChannel}, and a worker's stdin once it runs) or a plain stream
 * (a cold worker's stdin at start-up).
 */
public final class FrameIO {
    private FrameIO() {
    }

    /** One whole frame, header and payload, ready to be written in a single call. */
    public static byte[] encode(final byte type, final int requestId, final byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(FrameDescriptor.HEADER_BYTES + payload.length);
        b.putInt(payload.length).put(type).putInt(requestId).put(payload);
        return b.array();
    }

    /**
     * Reads the next frame, blocking; returns null when the peer closed the channel between
     * frames. {@code header} is a reusable {@value FrameDescriptor#HEADER_BYTES}-byte buffer.
     *
     * @throws EOFException if the channel ends in the middle of a frame
     * @throws IOException if the header announces an impossible length (a corrupt stream)
     */
    public static Frame read(final ReadableByteChannel channel, final ByteBuffer header) throws IOException {
        header.clear();
        if (!fill(channel, header, true)) {
            return null;
        }
        ByteBuffer body = ByteBuffer.allocate(payloadLength(header));
        fill(channel, body, false);
        return frame(header, body.array());
    }

    /**
     * Reads the next frame from a stream, blocking; returns null at EOF between frames. Reads
     * exactly the frame's bytes, never ahead, so the stream can be handed on after it.
     */
    public static Frame read(final InputStream in) throws IOException {
        byte[] header = new byte[FrameDescriptor.HEADER_BYTES];
        int got = readFully(in, header);
        if (got == 0) {
            return null;
        }
        if (got < header.length) {
            throw new EOFException("stream closed in the middle of a frame header");
        }
        ByteBuffer h = ByteBuffer.wrap(header);
        byte[] payload = new byte[payloadLength(h)];
        if (readFully(in, payload) < payload.length) {
            throw new EOFException("stream closed in the middle of a frame");
        }
        return frame(h, payload);
    }

    /** The payload length a full header announces, checked before anything that size is allocated. */
    private static int payloadLength(final ByteBuffer header) throws IOException {
        int length = header.getInt(0);
        if (length < 0 || length > FrameDescriptor.MAX_PAYLOAD) {
            throw new IOException("corrupt frame: payload length " + length + " for type "
                    + FrameDescriptor.typeName(header.get(4)));
        }
        return length;
    }

    private static Frame frame(final ByteBuffer header, final byte[] payload) {
        return new Frame(header.get(4), header.getInt(5), payload);
    }

    /**
     * Reads until {@code b} is full or the stream ends; returns how many bytes came. By hand
     * because JDK 17's {@code FileInputStream.readNBytes} asks for the file position, which a
     * pipe does not have ("Illegal seek").
     */
    private static int readFully(final InputStream in, final byte[] b) throws IOException {
        int n = 0;
        while (n < b.length) {
            int r = in.read(b, n, b.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    private static boolean fill(final ReadableByteChannel channel, final ByteBuffer b, final boolean eofAllowedAtStart)
            throws IOException {
        while (b.hasRemaining()) {
            int n = channel.read(b);
            if (n < 0) {
                if (eofAllowedAtStart && b.position() == 0) {
                    return false;
                }
                throw new EOFException("channel closed in the middle of a frame");
            }
        }
        return true;
    }
}
