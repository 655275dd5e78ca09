package org.kernellib.mp.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteException;
import org.apache.ignite.Ignition;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;
import org.kernellib.mp.pool.ChunkRunner;
import org.kernellib.mp.process.ProcessInfo;
import org.kernellib.mp.shared.memory.RuntimeDir;

/**
 * A handle on an Apache Ignite cluster: the same pool, values, locks and queues as on one machine,
 * on the cluster's server nodes. Ray's {@code ray.init()} in Java notebook form:
 *
 * <pre>{@code
 * var cluster = Cluster.startLocal(2);             // two server JVMs on this machine
 * var cluster = Cluster.connect("10.0.0.5:47500");  // or join a cluster that runs elsewhere
 * var cluster = Cluster.fromEnvironment(2);         // KERNELLIB_CLUSTER if set, else startLocal(2)
 * var pool = Pool.builder().cluster(cluster).build(); // the same Pool API, chunks run on the servers
 * ...
 * cluster.close();                                  // ends what it started, nothing else
 * }</pre>
 *
 * <p>This JVM joins as an Ignite client node: it holds no data and runs no jobs, it submits them.
 * It must run with {@link JvmOptions#all()} (the notebooks' kernelspec passes them).
 *
 * <p><b>Local servers</b> are kernel-lib worker JVMs (see {@link LocalServer}): they end when this
 * JVM ends, however it ends, and {@link #close()} stops them. They talk on 127.0.0.1 only:
 * discovery on a port each from 47600-47699, listed in a static finder (never multicast),
 * communication on 47700-47799.
 *
 * <p><b>Security.</b> Whoever can reach a node's ports can run code on it: a cluster belongs on a
 * private network, or behind Ignite's authentication and TLS (see the README).
 */
public final class Cluster implements AutoCloseable, ChunkRunner.Factory {
    /** The environment variable with the addresses of a cluster to join, comma separated. */
    public static final String ADDRESS_VARIABLE = "KERNELLIB_CLUSTER";
    /** How long a local cluster may take to form (server JVMs start in 1-7 s on two loaded cores). */
    private static final long FORM_TIMEOUT_MS = 60_000;
    private static final AtomicInteger CLIENTS = new AtomicInteger();
    private static final AtomicInteger SERVERS = new AtomicInteger();

    private final Ignite ignite;
    private final List<String> addresses;
    private final List<LocalServer> servers;
    private final Path workDir;
    private final Path readyFile;
    /** How the pools' chunks travel. */
    private final ChunkTransport chunks;
    private volatile boolean closed;

    private Cluster(final Ignite ignite, final List<String> addresses, final List<LocalServer> servers, final Path workDir,
            final Path readyFile) {
        this.ignite = ignite;
        this.addresses = List.copyOf(addresses);
        this.servers = servers;
        this.workDir = workDir;
        this.readyFile = readyFile;
        this.chunks = new ChunkTransport(ignite);
    }

    /**
     * Starts {@code n} server JVMs on this machine and joins them; returns when all {@code n} are
     * in the cluster.
     *
     * <p>The JVMs start at once, and so does this JVM's client node. The first server forms the
     * cluster as soon as it is up; the other servers and the client wait for it before they join
     * (see {@link FirstServerGate}), so none of them joins too early and sleeps Ignite's retry delay.
     *
     * @throws ClusterException when a server could not start or the cluster did not form in time;
     *     what was started is stopped
     */
    public static Cluster startLocal(final int n) {
        return startLocal(n, null);
    }

    /**
     * {@link #startLocal(int)}, with the server JVMs dumping a class-data-sharing archive as they
     * exit when {@code archiveDump} (their flags for it) is not null: for {@link ServerArchive}.
     */
    static Cluster startLocal(final int n, final List<String> archiveDump) {
        if (n < 1) {
            throw new IllegalArgumentException("a local cluster needs at least 1 server, not " + n);
        }
        JvmOptions.requireInThisJvm();
        List<String> addresses = new ArrayList<>();
        List<Integer> ports = LocalServer.freeDiscoveryPorts(n);
        for (int port : ports) {
            addresses.add("127.0.0.1:" + port);
        }
        String name = clientName();
        Path readyFile = RuntimeDir.get().resolve(name + "-first-server-up");
        List<LocalServer> servers = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                // Every server's finder lists the first server only: the first finds itself and forms the cluster.
                servers.add(LocalServer.start("server-" + SERVERS.incrementAndGet(), i == 0, addresses.subList(0, 1),
                        ports.get(i), readyFile, archiveDump));
            }
            // The client starts now too, in parallel with the servers (its start costs seconds of CPU
            // in a fresh JVM), and waits at its discovery for the first server (see FirstServerGate).
            FirstServerGate finder = new FirstServerGate(addresses, readyFile, FORM_TIMEOUT_MS, () -> deadServer(servers));
            Cluster c;
            try {
                c = join(name, finder, addresses, servers, readyFile);
            } catch (ClusterException e) {
                ClusterException dead = deadServer(servers);
                throw dead != null ? dead : e;
            }
            c.awaitServers(n);
            return c;
        } catch (RuntimeException | Error e) {
            stopAll(servers);
            deleteQuietly(readyFile);
            throw e;
        } catch (IOException e) {
            stopAll(servers);
            deleteQuietly(readyFile);
            throw new ClusterException("cannot start a local server JVM: " + e.getMessage(), e);
        }
    }

    /**
     * Joins a running cluster as a client node.
     *
     * @param addresses discovery addresses of some of its servers, as Ignite takes them:
     *     {@code host:port} or {@code host:port1..port2}
     */
    public static Cluster connect(final String... addresses) {
        if (addresses.length == 0) {
            throw new IllegalArgumentException("connect needs the address of at least one server, e.g. "
                    + "Cluster.connect(\"127.0.0.1:47600\"), or " + ADDRESS_VARIABLE + " and fromEnvironment");
        }
        JvmOptions.requireInThisJvm();
        TcpDiscoveryVmIpFinder finder = new TcpDiscoveryVmIpFinder();
        finder.setAddresses(Arrays.asList(addresses));
        return join(clientName(), finder, Arrays.asList(addresses), List.of(), null);
    }

    /**
     * The cluster named by the environment variable {@value #ADDRESS_VARIABLE} (addresses, comma
     * separated) if it is set, else {@code startLocal(localServers)}: the same notebook then runs on
     * a laptop and on a cluster.
     */
    public static Cluster fromEnvironment(final int localServers) {
        String env = System.getenv(ADDRESS_VARIABLE);
        if (env == null || env.isBlank()) {
            return startLocal(localServers);
        }
        return connect(env.trim().split("\\s*,\\s*"));
    }

    private static String clientName() {
        return "kernel-lib-client-" + ProcessHandle.current().pid() + "-" + CLIENTS.incrementAndGet();
    }

    /** @param readyFile the first local server's ready file, removed on close (null for none) */
    private static Cluster join(final String name, final TcpDiscoveryVmIpFinder finder, final List<String> addresses,
            final List<LocalServer> servers, final Path readyFile) {
        System.setProperty("IGNITE_UPDATE_NOTIFIER", "false");
        System.setProperty("IGNITE_NO_ASCII", "true");
        System.setProperty("IGNITE_PERFORMANCE_SUGGESTIONS_DISABLED", "true");
        Path work = RuntimeDir.get().resolve(name);
        try {
            Ignite ignite = Ignition.start(NodeConfig.of(name, "kernel", true, finder, 0, work));
            try {
                return new Cluster(ignite, addresses, servers, work, readyFile);
            } catch (RuntimeException e) {
                ignite.close();
                throw e;
            }
        } catch (IgniteException e) {
            RuntimeDir.deleteTree(work);
            throw new ClusterException("cannot join the cluster at " + String.join(",", addresses) + " within "
                    + NodeConfig.JOIN_TIMEOUT_MS / 1000 + " s: is a server running there, and can this machine reach "
                    + "its discovery port? (" + e.getMessage() + ")", e);
        }
    }

    /** Waits until {@code n} servers are in the topology, or a local server died, or the time is up. */
    private void awaitServers(final int n) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FORM_TIMEOUT_MS);
        while (ignite.cluster().forServers().nodes().size() < n) {
            ClusterException dead = deadServer(servers);
            if (dead != null) {
                close();
                throw dead;
            }
            if (System.nanoTime() > end) {
                close();
                throw new ClusterException("the local cluster did not form within " + FORM_TIMEOUT_MS / 1000
                        + " s: " + ignite.cluster().forServers().nodes().size() + " of " + n + " servers joined");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                close();
                Thread.currentThread().interrupt();
                throw new ClusterException("interrupted while the local cluster formed; its servers were stopped", e);
            }
        }
    }

    /** The error saying that a local server's JVM has ended before it joined, or null while all run. */
    private static ClusterException deadServer(final List<LocalServer> servers) {
        for (LocalServer s : servers) {
            if (!s.isAlive()) {
                return new ClusterException("local server " + s.name + " (pid " + s.pid() + ") exited with code "
                        + s.handle.exitValue() + " before it joined (its output, if any, is above)");
            }
        }
        return null;
    }

    /** The server nodes in the cluster now, each with its name and its JVM's pid, oldest first. */
    public List<ProcessInfo> nodes() {
        List<ClusterNode> all = new ArrayList<>(ignite.cluster().forServers().nodes());
        all.sort(Comparator.comparingLong(ClusterNode::order));
        List<ProcessInfo> r = new ArrayList<>();
        for (ClusterNode node : all) {
            r.add(info(node));
        }
        return r;
    }

    static ProcessInfo info(final ClusterNode node) {
        Object name = node.attribute(NodeConfig.NAME);
        Object pid = node.attribute(NodeConfig.PID);
        return new ProcessInfo(name != null ? name.toString() : node.consistentId().toString(),
                pid instanceof Long ? (Long) pid : -1, false);
    }

    /** The discovery addresses this handle joined through: what {@code connect} takes. */
    public List<String> addresses() {
        return addresses;
    }

    /** The server JVMs this handle started (none for {@code connect}), alive or not. */
    public List<ProcessInfo> localServers() {
        List<ProcessInfo> r = new ArrayList<>();
        for (LocalServer s : servers) {
            r.add(new ProcessInfo(s.name, s.pid(), false));
        }
        return r;
    }

    /**
     * Kills a server JVM this handle started (SIGKILL, as a crash would), to see the cluster carry
     * on without it.
     *
     * @throws IllegalArgumentException if it is not one of {@link #localServers()}
     */
    public void kill(final ProcessInfo server) {
        for (LocalServer s : servers) {
            if (s.pid() == server.pid()) {
                s.handle.kill();
                return;
            }
        }
        throw new IllegalArgumentException(server + " is not a server this cluster handle started; "
                + "it can kill only those: " + localServers());
    }

    /** A pool's chunks on this cluster's servers: {@code Pool.builder().cluster(cluster).build()}. */
    @Override
    public ChunkRunner open(final String poolName) {
        return new ClusterRunner(this, poolName);
    }

    /**
     * The cluster's long named {@code name}, created holding 0 if there is none yet (an existing
     * one keeps its value): the same object for every node and every handle that names it.
     */
    public ClusterLongValue longValue(final String name) {
        return longValue(name, 0);
    }

    /** The cluster's long named {@code name}, created holding {@code initial} if there is none yet. */
    public ClusterLongValue longValue(final String name, final long initial) {
        return new ClusterLongValue(this, name, initial);
    }

    /** The cluster's lock named {@code name} (failover-safe: a dead holder's lock is released). */
    public ClusterLock lock(final String name) {
        return new ClusterLock(this, name);
    }

    /** The cluster's semaphore named {@code name}, created with {@code permits} if there is none yet. */
    public ClusterSemaphore semaphore(final String name, final int permits) {
        return new ClusterSemaphore(this, name, permits);
    }

    /** The cluster's unbounded queue named {@code name}. */
    public <E> ClusterQueue<E> queue(final String name) {
        return queue(name, 0);
    }

    /** The cluster's queue named {@code name}, holding at most {@code maxsize} items (0: unbounded). */
    public <E> ClusterQueue<E> queue(final String name, final int maxsize) {
        return new ClusterQueue<>(this, name, maxsize);
    }

    /**
     * Runs {@code action} once every server this handle started has ended (never for a handle
     * that only connected): on this machine the kernel learns that at once, Ignite only after its
     * network timeout.
     */
    void whenLocalServersGone(final Runnable action) {
        if (servers.isEmpty()) {
            return;
        }
        CompletableFuture<?>[] all = new CompletableFuture<?>[servers.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = servers.get(i).exited();
        }
        CompletableFuture.allOf(all).thenRun(action);
    }

    /** How this handle's pools send their chunks (for this package). */
    ChunkTransport chunks() {
        ignite(); // not on a closed handle
        return chunks;
    }

    /** The client node of this JVM (for this package). */
    Ignite ignite() {
        if (closed) {
            throw new IllegalStateException("the cluster handle is closed");
        }
        return ignite;
    }

    /** Leaves the cluster; stops the servers this handle started (and nothing else). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            chunks.close();
            NodeConfig.leaveSoon(ignite);
            ignite.close();
        } finally {
            ClusterQueue.forgetNode(ignite.name());
            stopAll(servers);
            RuntimeDir.deleteTree(workDir);
            deleteQuietly(readyFile);
            if (!servers.isEmpty()) {
                // A server killed (kill(), a crash, the OOM killer) never ran its clean-up: its
                // runtime directory, with Ignite's work files, stays until some sweep removes it.
                RuntimeDir.sweepStale(RuntimeDir.base());
            }
        }
    }

    private static void deleteQuietly(final Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // in this JVM's runtime directory, which goes when the JVM ends
        }
    }

    private static void stopAll(final List<LocalServer> servers) {
        for (LocalServer s : servers) {
            s.handle.terminate();
        }
        boolean interrupted = false;
        for (LocalServer s : servers) {
            try {
                s.stop();
            } catch (InterruptedException e) {
                interrupted = true;
                s.handle.kill();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "<Cluster " + String.join(",", addresses) + (closed ? " closed" : " servers=" + nodes().size())
                + (servers.isEmpty() ? "" : " local=" + servers.size()) + ">";
    }
}
