package org.kernellib.mp.connection;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A framed, bidirectional link over a Unix-domain socket (see {@link FrameDescriptor}): a
 * manager's connection to one caller.
 *
 * <p>One thread reads while any number of threads write; writes are serialised by a lock so
 * frames never interleave. The channel is used directly rather than through
 * {@code Channels.newInputStream}/{@code newOutputStream}, because those streams hold the
 * channel's blocking lock while a read waits, which would block every writer.
 */
public final class FrameChannel implements Closeable {
    private final SocketChannel channel;
    private final Object writeLock = new Object();
    private final ByteBuffer header = ByteBuffer.allocate(FrameDescriptor.HEADER_BYTES);

    public FrameChannel(final SocketChannel channel) {
        this.channel = channel;
    }

    /**
     * Connects to a listening socket file and checks, before anything is sent, that the process
     * listening there runs as this user ({@link PeerCredentials}).
     *
     * @throws PeerCredentials.PeerRejectedException when another user listens there
     */
    public static FrameChannel connect(final Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            PeerCredentials.requireSameUser(ch, "the socket " + socket);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return new FrameChannel(ch);
    }

    /** Sends one frame; safe to call from several threads. */
    public void send(final byte type, final int requestId, final byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(FrameIO.encode(type, requestId, payload));
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
        return FrameIO.read(channel, header);
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
