package org.kernellib.mp.connection;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.kernellib.mp.shared.memory.PrivatePaths;
import org.kernellib.mp.shared.memory.RuntimeDir;

/**
 * The parent's listening Unix-domain socket, one per JVM, in the private 0700
 * {@link RuntimeDir}, opened when the first pool needs it. Pool workers connect to it and present
 * the secret token that came inside their task; a connection with an unknown token is closed, so
 * a pool talks only to workers it started. (A worker's lifecycle frames do not come here: they run
 * over its pipes, see {@link Sideband}.)
 *
 * <p>Three walls keep other users out: the directory (0700, checked) and the socket file (0600)
 * deny them a connection; a connection whose peer runs as another user ({@link PeerCredentials})
 * is closed before a byte of it is read; and the token. A worker checks the same of this server
 * before it sends its token ({@link FrameChannel#connect}).
 */
public final class ControlServer {
    /** What a worker said when it connected. */
    public record Hello(FrameChannel connection, long pid) {
    }

    private static volatile ControlServer instance;

    private final Path path;
    private final ServerSocketChannel server;
    private final Map<String, CompletableFuture<Hello>> pending = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger rejected = new AtomicInteger();

    /** Listens on {@code path}, in a directory the caller made private (tests use others). */
    ControlServer(final Path path) throws IOException {
        this.path = path;
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        // connect(2) needs write permission on the socket file: only this user gets it.
        Files.setPosixFilePermissions(path, PrivatePaths.FILE);
        Thread t = new Thread(this::acceptLoop, "kernel-lib-control-accept");
        t.setDaemon(true);
        t.start();
    }

    /** The server of this JVM, bound on first use. */
    public static ControlServer get() {
        ControlServer s = instance;
        if (s == null) {
            synchronized (ControlServer.class) {
                s = instance;
                if (s == null) {
                    try {
                        s = new ControlServer(RuntimeDir.get().resolve("control.sock"));
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot listen on the control socket in "
                                + RuntimeDir.get(), e);
                    }
                    instance = s;
                }
            }
        }
        return s;
    }

    public Path path() {
        return path;
    }

    /** A fresh random token (256 bits, hex). */
    public String newToken() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Expects a worker presenting {@code token}; the future completes when it connects. */
    public CompletableFuture<Hello> expect(final String token) {
        CompletableFuture<Hello> f = new CompletableFuture<>();
        pending.put(token, f);
        return f;
    }

    /** Stops expecting a token (the worker died or timed out before connecting). */
    public void forget(final String token) {
        pending.remove(token);
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel ch = server.accept();
                if (!fromThisUser(ch)) {
                    continue;
                }
                // The handshake reads from a peer not yet known to be a worker, so it gets its own
                // thread: a connection that never says HELLO must not stall other workers.
                Thread h = new Thread(() -> handshake(new FrameChannel(ch)), "kernel-lib-control-hello");
                h.setDaemon(true);
                h.start();
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
            }
        }
    }

    /** Closes a connection from another user's process unread; true when the peer is this user. */
    private boolean fromThisUser(final SocketChannel ch) {
        try {
            PeerCredentials.requireSameUser(ch, "a connection to the pool's socket " + path);
            return true;
        } catch (IOException | RuntimeException e) {
            rejected.incrementAndGet();
            try {
                ch.close();
            } catch (IOException ignored) {
                // Already gone: nothing of it was read.
            }
            return false;
        }
    }

    /** How many connections were closed because their peer ran as another user (for tests). */
    int rejectedPeers() {
        return rejected.get();
    }

    /** Stops listening and removes the socket file (tests; the JVM's server lives as long as it). */
    void close() throws IOException {
        server.close();
        Files.deleteIfExists(path);
    }

    private void handshake(final FrameChannel c) {
        try {
            Frame f = c.receive();
            if (f == null || f.type() != FrameDescriptor.HELLO) {
                c.close();
                return;
            }
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(f.payload()));
            String token = in.readUTF();
            long pid = in.readLong();
            CompletableFuture<Hello> waiting = pending.remove(token);
            if (waiting == null) {
                c.close();
                return;
            }
            waiting.complete(new Hello(c, pid));
        } catch (IOException | RuntimeException e) {
            c.close();
        }
    }
}
