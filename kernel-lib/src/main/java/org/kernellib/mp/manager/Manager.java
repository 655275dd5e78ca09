package org.kernellib.mp.manager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.kernellib.mp.process.Process;
import org.kernellib.mp.process.Task;
import org.kernellib.mp.shared.memory.RuntimeDir;

/**
 * Python's {@code multiprocessing.Manager()}: a process that holds shared Java objects and hands
 * out proxies to them, which cell code in any process can use.
 *
 * <pre>{@code
 * try (Manager m = Manager.start()) {
 *     DictProxy<String, Integer> counts = m.dict();
 *     pool.map(w -> counts.merge(w, 1, Integer::sum), words);   // atomic, see DictProxy
 *     counts                                                     // {the=12, a=7, ...}
 * }                                                              // the manager process ends here
 * }</pre>
 *
 * <p>The manager is a kernel-lib worker ({@link Process}, daemon), so it ends with the process
 * that started it, also when that one is killed, as every worker does; and on {@link #shutdown()}
 * or {@link #close()}. Proxies are small serializable values (which manager, which object): one
 * captured by a lambda, passed as an argument, kept in a variable a worker gets a copy of, or
 * stored in another manager container reaches the same object from there. When the manager is
 * gone, a proxy's next call fails at once with {@link ManagerGoneException}, and so does a call
 * already waiting in it. (A manager that is alive but stopped, by {@code SIGSTOP} or a debugger,
 * answers nothing until it continues; calls wait for it as for any busy process.)
 *
 * <p>How a call travels: a Unix-domain socket in the owner's private runtime directory (0700),
 * the peer's uid checked with {@code SO_PEERCRED} at both ends, a secret token first; values
 * copied as by a queue (ObjectCodec, read behind DeserializationLimits). Objects live until the
 * manager ends (Python counts references to free them earlier; a notebook's few containers do not
 * need it).
 */
public final class Manager implements AutoCloseable {
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final Process process;
    private final ManagerAddress address;
    private volatile boolean shutDown;

    private Manager(final Process process, final ManagerAddress address) {
        this.process = process;
        this.address = address;
    }

    /** The task of a manager process. */
    private record Serve(String socket, String token) implements Task {
        @Override
        public void run() throws IOException {
            ManagerServer.serve(socket, token);
        }
    }

    /**
     * Starts a manager process and waits until it listens: Python's {@code Manager()}.
     *
     * @throws IllegalStateException when the manager process ended or did not listen within a minute
     */
    public static Manager start() {
        return start(null);
    }

    /**
     * Starts a manager process as {@link #start()} does, through the given start method ({@code
     * "spawn"}, {@code "prestart"}; null for this JVM's): a context's {@code manager()}.
     */
    public static Manager start(final String startMethod) {
        int n = COUNT.incrementAndGet();
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = HexFormat.of().formatHex(secret);
        Path socket = RuntimeDir.get().resolve("manager-" + n + "-" + HexFormat.of().toHexDigits(RANDOM.nextInt()) + ".sock");
        Process p = new Process("Manager-" + n, new Serve(socket.toString(), token)).daemon(true);
        if (startMethod != null) {
            p.startMethod(startMethod);
        }
        p.start();
        ManagerAddress address = new ManagerAddress(socket.toString(), token, p.pid());
        awaitListening(p, address);
        return new Manager(p, address);
    }

    private static void awaitListening(final Process p, final ManagerAddress address) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (Files.exists(address.socketPath())) {
                try {
                    ManagerConnections.call(address, ManagerProtocol.MANAGER_ID, "count");
                    return;
                } catch (ManagerGoneException e) {
                    // Bound but not yet accepting, or it died: the checks below say which.
                }
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("the manager process " + p.name() + " (pid " + p.pid()
                        + ") ended before it listened, exit code " + p.exitCode() + "; its output above says why");
            }
            if (System.nanoTime() > deadline) {
                p.kill();
                throw new IllegalStateException("the manager process " + p.name() + " did not listen within "
                        + START_TIMEOUT.toSeconds() + " s, so it was killed; the machine may be overloaded");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                p.kill();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the manager process started; it was killed");
            }
        }
    }

    /** A shared map, Python's {@code manager.dict()}. */
    public <K, V> DictProxy<K, V> dict() {
        return new DictProxy<>(create("dict", (Object) null));
    }

    /** A shared map holding a copy of {@code initial}, Python's {@code manager.dict(d)}. */
    public <K, V> DictProxy<K, V> dict(final Map<? extends K, ? extends V> initial) {
        return new DictProxy<>(create("dict", new java.util.LinkedHashMap<>(initial)));
    }

    /** A shared list, Python's {@code manager.list()}. */
    public <E> ListProxy<E> list() {
        return new ListProxy<>(create("list", (Object) null));
    }

    /** A shared list holding a copy of {@code initial}. */
    public <E> ListProxy<E> list(final Collection<? extends E> initial) {
        return new ListProxy<>(create("list", new java.util.ArrayList<>(initial)));
    }

    /** Python's {@code manager.Namespace()}. */
    public NamespaceProxy namespace() {
        return new NamespaceProxy(create("namespace"));
    }

    /** Python's {@code manager.Value(typecode, value)}; the type is the value's own. */
    public <T> ValueProxy<T> value(final T initial) {
        return new ValueProxy<>(create("value", initial));
    }

    /** Python's {@code manager.Lock()}. */
    public LockProxy lock() {
        return new LockProxy(create("lock"));
    }

    /** Python's {@code manager.Queue()}, unbounded. */
    public <E> QueueProxy<E> queue() {
        return queue(0);
    }

    /** Python's {@code manager.Queue(maxsize)}; 0 means unbounded. */
    public <E> QueueProxy<E> queue(final int maxsize) {
        if (maxsize < 0) {
            throw new IllegalArgumentException("maxsize must be >= 0 (0 = unbounded), got " + maxsize);
        }
        return new QueueProxy<>(create("queue", maxsize));
    }

    /** Python's {@code manager.Event()}. */
    public EventProxy event() {
        return new EventProxy(create("event"));
    }

    /** Python's {@code manager.Barrier(parties)}. */
    public BarrierProxy barrier(final int parties) {
        return barrier(parties, null);
    }

    /** Python's {@code manager.Barrier(parties, timeout=...)}: {@code timeout} is the default for {@code await()}. */
    public BarrierProxy barrier(final int parties, final Duration timeout) {
        if (parties < 1) {
            throw new IllegalArgumentException("a barrier needs at least 1 party, got " + parties);
        }
        return new BarrierProxy(create("barrier", parties, timeout == null ? -1.0 : timeout.toNanos() / 1e9));
    }

    private ProxyTarget create(final String kind, final Object... args) {
        if (shutDown) {
            throw new IllegalStateException("this manager was shut down; start a new one");
        }
        Object[] call = new Object[args.length + 1];
        call[0] = kind;
        System.arraycopy(args, 0, call, 1, args.length);
        long id = (Long) ManagerConnections.call(address, ManagerProtocol.MANAGER_ID, "create", call);
        return new ProxyTarget(address, id, kind);
    }

    /** The manager process's pid. */
    public long pid() {
        return address.pid();
    }

    /** The manager process, e.g. to {@code kill()} it in a lesson on failures. */
    public Process process() {
        return process;
    }

    /** Where it listens (without its token). */
    public ManagerAddress address() {
        return address;
    }

    public boolean isAlive() {
        return !shutDown && process.isAlive();
    }

    /**
     * Ends the manager process and with it every shared object it holds; proxies fail from then
     * on with {@link ManagerGoneException}. Waits for the process to end (killing it after
     * five seconds if it does not). Calling it again does nothing.
     */
    public synchronized void shutdown() {
        if (shutDown) {
            return;
        }
        shutDown = true;
        try {
            ManagerConnections.call(address, ManagerProtocol.MANAGER_ID, "shutdown");
        } catch (ManagerGoneException e) {
            // Already gone: nothing to ask.
        }
        ManagerConnections.forget(address);
        if (!process.join(STOP_TIMEOUT)) {
            process.kill();
            process.join(STOP_TIMEOUT);
        }
        try {
            Files.deleteIfExists(address.socketPath());
        } catch (IOException e) {
            // The runtime directory goes when this JVM ends.
        }
    }

    /** {@link #shutdown()}, for try-with-resources. */
    @Override
    public void close() {
        shutdown();
    }

    @Override
    public String toString() {
        return "Manager(" + process.name() + ", pid " + pid() + (isAlive() ? "" : ", ended") + ")";
    }
}
