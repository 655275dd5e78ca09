package org.kernellib.mp.connection;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A framed, bidirectional link over a Unix-domain socket (see {@link FrameDescriptor}).
 *
 * <p>One thread reads while any number of threads write; writes are serialised by a lock so
 * frames never interleave. The channel is used directly rather than through
 * {@code Channels.newInputStream}/{@code newOutputStream}, because those streams hold the
 * channel's blocking lock while a read waits, which would block every writer.
 */
public final class Connection implements Closeable {
    private final SocketChannel channel;
    private final Object writeLock = new Object();
    private final ByteBuffer header = ByteBuffer.allocate(FrameDescriptor.HEADER_BYTES);

    public Connection(final SocketChannel channel) {
        this.channel = channel;
    }

    /** Connects to a listening socket file. */
    public static Connection connect(final Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new Connection(ch);
    }

    /** Sends one frame; safe to call from several threads. */
    public void send(final byte type, final int requestId, final byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(FrameDescriptor.HEADER_BYTES + payload.length);
        b.putInt(payload.length).put(type).putInt(requestId).put(payload).flip();
        synchronized (writeLock) {
            while (b.hasRemaining()) {
                channel.write(b);
            }
        }
    }

    /** Sends a frame with no payload. */
    public void send(final byte type) throws IOException {
        send(type, 0, new byte[0]);
    }

    /**
     * Reads the next frame, blocking; returns null when the peer closed the connection between
     * frames. Only one thread may call this.
     */
    public Frame receive() throws IOException {
        header.clear();
        if (!fill(header, true)) {
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
        fill(body, false);
        return new Frame(type, id, body.array());
    }

    private boolean fill(final ByteBuffer b, final boolean eofAllowedAtStart) throws IOException {
        while (b.hasRemaining()) {
            int n = channel.read(b);
            if (n < 0) {
                if (eofAllowedAtStart && b.position() == 0) {
                    return false;
                }
                throw new EOFException("connection closed in the middle of a frame");
            }
        }
        return true;
    }

    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing is best effort: the peer may already be gone.
        }
    }
}
