package org.kernellib.mp.connection;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Encoding and reading the frames of {@link FrameDescriptor} on any byte channel: the pool's
 * Unix-domain socket ({@link Connection}) and a worker's stdin pipe alike.
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
        header.flip();
        int length = header.getInt();
        byte type = header.get();
        int id = header.getInt();
        if (length < 0 || length > FrameDescriptor.MAX_PAYLOAD) {
            throw new IOException("corrupt frame: payload length " + length + " for type "
                    + FrameDescriptor.typeName(type));
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        fill(channel, body, false);
        return new Frame(type, id, body.array());
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
