package org.kernellib.mp.manager;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.kernellib.mp.connection.Frame;
import org.kernellib.mp.connection.FrameChannel;
import org.kernellib.mp.connection.PeerCredentials;
import org.kernellib.mp.serial.ObjectCodec;
import org.kernellib.mp.shared.memory.PrivatePaths;

/**
 * The manager process's main loop (CPython's {@code managers.Server}): it listens on a
 * Unix-domain socket in its owner's private runtime directory, holds the shared objects, and runs
 * the calls proxies send ({@link ManagerProtocol}).
 *
 * <p>Who may call: the socket file is 0600 in a 0700 directory; a connection whose peer runs as
 * another user is closed unread ({@link PeerCredentials}); the first frame must carry the token,
 * which only proxies of this manager hold. Each connection has a thread that reads its calls and
 * runs the quick ones itself. A call that may wait ({@link Served#blocks}: a lock acquire, a queue
 * get) runs on a pooled thread instead, so that the reader sees at once when the caller's
 * connection closes and interrupts it: a caller that died or was interrupted takes nothing it
 * would never give back.
 *
 * <p>The loop returns on {@code shutdown}; the process, a kernel-lib worker, then ends. It also
 * ends with its owner, as every worker does.
 */
public final class ManagerServer {
    /** The manager this process serves, if it is a manager process (one per process). */
    private static volatile ManagerServer inThisProcess;

    private final Path socket;
    private final byte[] token;
    private final ClassLoader loader;
    private final ServerSocketChannel server;
    private final Map<Long, Served> objects = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(ManagerProtocol.MANAGER_ID + 1);
    private final ExecutorService calls;

    private ManagerServer(final Path socket, final String token) throws IOException {
        this.socket = socket;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        this.loader = cl != null ? cl : ManagerServer.class.getClassLoader();
        calls = Executors.newCachedThreadPool(r -> daemon(r, "kernel-lib-manager-call"));
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PrivatePaths.FILE);
    }

    /**
     * Serves until shut down: the task of a manager process.
     *
     * @param socket where to listen; a file in the owner's private runtime directory
     * @param token what every connection must present first
     */
    public static void serve(final String socket, final String token) throws IOException {
        ManagerServer server = new ManagerServer(Path.of(socket), token);
        inThisProcess = server;
        server.acceptLoop();
    }

    /**
     * The object a proxy names, when this process is the manager that holds it; else null. Such a
     * proxy is an element or argument of another call here, and its calls come from that call's
     * {@code equals}, {@code hashCode} or {@code toString} (no cell code runs in a manager). They
     * run on the calling thread, not over the socket: there a list searched for a proxy of itself
     * waited for the monitor its own search held, for ever; Java's monitors are reentrant, so on
     * this thread it goes on. Arguments and results are then not copied, which those read-only
     * calls do not need. (Two containers that hold proxies of each other and are searched for each
     * other from two processes at once can still wait for each other's monitor.)
     */
    static Served servedHere(final ManagerAddress address, final long id) {
        ManagerServer here = inThisProcess;
        if (here == null || id == ManagerProtocol.MANAGER_ID || !here.socket.toString().equals(address.socket())) {
            return null;
        }
        return here.target(id);
    }

    private void acceptLoop() {
        try {
            while (server.isOpen()) {
                SocketChannel ch;
                try {
                    ch = server.accept();
                } catch (IOException e) {
                    break; // closed by shutdown
                }
                try {
                    PeerCredentials.requireSameUser(ch, "a connection to the manager's socket " + socket);
                } catch (IOException | RuntimeException e) {
                    closeQuietly(ch);
                    continue;
                }
                daemon(() -> serveConnection(new FrameChannel(ch)), "kernel-lib-manager-connection").start();
            }
        } finally {
            stop();
        }
    }

    private void serveConnection(final FrameChannel ch) {
        Future<?> running = null;
        try {
            Frame hello = ch.receive();
            if (hello == null || hello.type() != ManagerProtocol.HELLO
                    || !MessageDigest.isEqual(token, ManagerProtocol.helloToken(hello.payload()).getBytes(StandardCharsets.UTF_8))) {
                return;
            }
            Frame f;
            while ((f = ch.receive()) != null && f.type() == ManagerProtocol.CALL) {
                Request request = request(f);
                if (request.blocks()) {
                    running = calls.submit(() -> answer(ch, request));
                } else {
                    answer(ch, request); // on this thread: no hand-off for the common, quick call
                }
            }
        } catch (IOException | RuntimeException e) {
            // The caller went away or sent garbage: drop the connection.
        } finally {
            if (running != null) {
                running.cancel(true);
            }
            ch.close();
        }
    }

    /** A decoded call, or why it could not be decoded (answered as an error). */
    private record Request(String operation, Object[] args, long objectId, Served target, Exception failure) {
        boolean blocks() {
            return target != null && target.blocks(operation);
        }

        boolean isShutdown() {
            return objectId == ManagerProtocol.MANAGER_ID && "shutdown".equals(operation);
        }
    }

    private Request request(final Frame frame) {
        String operation = "a call";
        long id = -1;
        try {
            ManagerProtocol.Call call = ManagerProtocol.readCall(frame.payload());
            operation = call.operation();
            id = call.objectId();
            Object[] args = (Object[]) ManagerProtocol.decode(call.arguments(), loader, "the arguments of " + operation);
            Served target = id == ManagerProtocol.MANAGER_ID ? null : target(id);
            return new Request(operation, args, id, target, null);
        } catch (IOException | RuntimeException e) {
            return new Request(operation, null, id, null, e);
        }
    }

    private void answer(final FrameChannel ch, final Request r) {
        byte type;
        byte[] payload;
        try {
            if (r.failure() != null) {
                throw r.failure();
            }
            Object result = r.target() == null ? manage(r.operation(), r.args()) : r.target().call(r.operation(), r.args());
            payload = ObjectCodec.write(result, "the result of " + r.operation());
            type = ManagerProtocol.RESULT;
        } catch (InterruptedException e) {
            return; // the caller's connection closed: nobody waits for an answer
        } catch (Exception e) {
            type = ManagerProtocol.ERROR;
            payload = encodeError(r.operation(), e);
        }
        try {
            ch.send(type, 0, payload);
        } catch (IOException e) {
            ch.close();
        }
        if (r.isShutdown() && type == ManagerProtocol.RESULT) {
            stop();
        }
    }

    private Served target(final long id) {
        Served s = objects.get(id);
        if (s == null) {
            throw new IllegalArgumentException("the manager holds no object " + id);
        }
        return s;
    }

    private Object manage(final String operation, final Object[] a) {
        switch (operation) {
            case "create": {
                Served s = create((String) a[0], a);
                long id = nextId.getAndIncrement();
                objects.put(id, s);
                return id;
            }
            case "count": return objects.size();
            case "shutdown": return null;
            default: throw Served.unknown("manager", operation);
        }
    }

    private static Served create(final String kind, final Object[] a) {
        switch (kind) {
            case "dict": return new ServedDict((Map<?, ?>) a[1]);
            case "list": return new ServedList((Collection<?>) a[1]);
            case "namespace": return new ServedNamespace();
            case "value": return new ServedValue(a[1]);
            case "lock": return new ServedLock();
            case "queue": return new ServedQueue((Integer) a[1]);
            case "event": return new ServedEvent();
            case "barrier": return new ServedBarrier((Integer) a[1], ((Number) a[2]).doubleValue());
            default: throw new IllegalArgumentException("a manager cannot make a '" + kind + "'");
        }
    }

    private static byte[] encodeError(final String operation, final Exception e) {
        try {
            return ObjectCodec.serialize(e);
        } catch (IOException | RuntimeException notCopyable) {
            return ObjectCodec.write(new ManagerException(operation + " failed in the manager with " + e),
                    "an error of the manager");
        }
    }

    /** Stops accepting and removes the socket file; connections end as their callers close them. */
    private synchronized void stop() {
        closeQuietly(server);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // The owner removes its whole runtime directory when it ends.
        }
    }

    private static Thread daemon(final Runnable r, final String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(final java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // Nothing more to release.
        }
    }
}
