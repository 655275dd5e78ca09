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

import org.kernellib.mp.shared.memory.RuntimeDir;

/**
 * The parent's listening Unix-domain socket, one per JVM, in the private 0700
 * {@link RuntimeDir}, opened when the first pool needs it. Pool workers connect to it and present
 * the secret token that came inside their task; a connection with an unknown token is closed, so
 * a pool talks only to workers it started. (A worker's lifecycle frames do not come here: they run
 * over its pipes, see {@link Sideband}.)
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

    private ControlServer(final Path path) throws IOException {
        this.path = path;
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
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
                // The handshake reads from an untrusted peer, so it gets its own thread: a
                // connection that never says HELLO must not stall other workers.
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
