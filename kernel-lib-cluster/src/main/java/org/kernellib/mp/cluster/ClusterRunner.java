package org.kernellib.mp.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteClientDisconnectedException;
import org.apache.ignite.IgniteCompute;
import org.apache.ignite.IgniteException;
import org.apache.ignite.cluster.ClusterGroup;
import org.apache.ignite.cluster.ClusterGroupEmptyException;
import org.apache.ignite.cluster.ClusterTopologyException;
import org.kernellib.mp.pool.ChunkRunner;
import org.kernellib.mp.pool.PoolException;
import org.kernellib.mp.process.ProcessInfo;

/**
 * A pool's chunks on the cluster's server nodes: each chunk is one {@link ChunkRequest} that the
 * cluster handle's {@link ChunkTransport} sends to the least busy server and, when that server leaves
 * before it answers, to another: a map completes on the survivors, and a chunk's side effects
 * may happen twice (at least once). Its initializer goes to every server ({@link NodeInit}).
 * With no server left a chunk fails with an error that says so: at once when the servers were
 * started by this kernel (it sees their JVMs end), else when Ignite's client gives up reconnecting.
 */
final class ClusterRunner implements ChunkRunner {
    private static final long SLOTS_FRESH_NS = 1_000_000_000L;
    private final Cluster cluster;
    private final Ignite ignite;
    private final String poolName;
    private final UUID kernel;
    private final Set<String> open = ConcurrentHashMap.newKeySet();
    /** Numbers this kernel's chunks, for {@link ChunkCancel}. */
    private final AtomicLong chunks = new AtomicLong();
    /** Chunks out now, so that they fail at once when the last local server is gone. */
    private final Set<CompletableFuture<Outcome>> running = ConcurrentHashMap.newKeySet();
    /** Every server this kernel started has ended (never set for a cluster it only joined). */
    private volatile boolean serversGone;
    /** The cluster's server nodes, whichever are there at each use (Ignite re-evaluates the group). */
    private final ClusterGroup servers;
    /** Where initializers and cancels go: every server. */
    private final IgniteCompute compute;
    /** Where chunks go: a server each, again to another if it leaves before it answers. */
    private final ChunkTransport transport;
    /** {@link #slots()} as last computed, and the topology version and time it was computed at. */
    private volatile int slots;
    private volatile long slotsTopology = -1;
    private volatile long slotsAt;
    private final ExecutorService submitter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "kernel-lib-cluster-submit");
        t.setDaemon(true);
        return t;
    });

    ClusterRunner(final Cluster cluster, final String poolName) {
        this.cluster = cluster;
        this.ignite = cluster.ignite();
        this.poolName = poolName;
        this.kernel = ignite.cluster().localNode().id();
        this.servers = ignite.cluster().forServers();
        this.compute = ignite.compute(servers);
        this.transport = cluster.chunks();
        cluster.whenLocalServersGone(() -> {
            serversGone = true; // before looking at running: run() adds first, then looks at this
            for (CompletableFuture<Outcome> r : running) {
                r.completeExceptionally(noServerLeft());
            }
        });
    }

    private PoolException noServerLeft() {
        return new PoolException("no server node is left to run " + poolName + "'s chunks: every local server of "
                + cluster.addresses() + " has ended " + cluster.localServers() + "; the call fails");
    }

    private void register(final Call call) {
        if (open.add(call.key())) {
            ClassRequest.open(call.key(), call.classes());
        }
    }

    @Override
    public List<Outcome> initialize(final Call initializer) {
        register(initializer);
        try {
            Collection<byte[]> replies = compute.broadcast(new NodeInit(initializer.key(), kernel,
                    initializer.payload()));
            List<Outcome> r = new ArrayList<>();
            for (byte[] b : replies) {
                r.add(NodeCalls.decode(b));
            }
            return r;
        } catch (IgniteException e) {
            throw new PoolException("cannot run the initializer of " + poolName + " on " + cluster + ": " + e.getMessage(), e);
        } finally {
            forget(initializer);
        }
    }

    /**
     * 0 also when this kernel lost the cluster: the pool then sends one chunk, which waits for the
     * client to rejoin (see {@link ChunkTransport}) and fails, saying so, if it does not.
     * The pool asks at every call and every chunk's end; the servers' metrics are summed again only
     * when the topology changed or a second has passed (Ignite refreshes them every two seconds).
     */
    @Override
    public int slots() {
        try {
            long topology = ignite.cluster().topologyVersion();
            long now = System.nanoTime();
            if (topology != slotsTopology || now - slotsAt > SLOTS_FRESH_NS) {
                slots = servers.nodes().isEmpty() ? 0 : servers.metrics().getTotalCpus();
                slotsAt = now;
                slotsTopology = topology;
            }
            return slots;
        } catch (IgniteException e) {
            slotsTopology = -1;
            return 0;
        }
    }

    @Override
    public List<ProcessInfo> workers() {
        return cluster.nodes();
    }

    @Override
    public CompletableFuture<Outcome> run(final Call call, final byte[] chunk) {
        register(call);
        CompletableFuture<Outcome> r = new CompletableFuture<>();
        running.add(r);
        r.whenComplete((o, e) -> running.remove(r));
        if (serversGone) {
            r.completeExceptionally(noServerLeft());
            return r;
        }
        // Sent on a thread of its own: the pool calls run() with its lock held, and Ignite may
        // block a message for seconds while the client reconnects (the last server just died).
        String id = kernel + "/" + chunks.incrementAndGet();
        r.whenComplete((o, e) -> {
            if (e instanceof CancellationException) {
                // off this thread, which may hold the pool's lock, since Ignite blocks a cancel
                // while the client reconnects
                submitter.execute(() -> cancel(id));
            }
        });
        submitter.execute(() -> {
            if (r.isDone()) {
                return;
            }
            CompletableFuture<byte[]> answer;
            try {
                answer = transport.send(id, new ChunkRequest(id, call.key(), call.payload(), chunk).encode());
            } catch (RuntimeException e) {
                r.completeExceptionally(failure(e));
                return;
            }
            answer.whenComplete((reply, e) -> {
                if (e != null) {
                    r.completeExceptionally(e instanceof RuntimeException re ? failure(re) : e);
                    return;
                }
                try {
                    r.complete(NodeCalls.decode(reply));
                } catch (RuntimeException bad) {
                    r.completeExceptionally(failure(bad));
                }
            });
        });
        return r;
    }

    /**
     * Stops chunk {@code id} wherever it runs or would run ({@link ChunkCancel}), and forgets it,
     * so that no server's leaving sends it elsewhere.
     */
    private void cancel(final String id) {
        transport.forget(id);
        try {
            compute.broadcastAsync(new ChunkCancel(id));
        } catch (RuntimeException e) {
            // no server left, or this kernel lost the cluster: nothing runs the chunk any more
        }
    }

    private PoolException failure(final RuntimeException e) {
        if (e instanceof IgniteClientDisconnectedException || e.getCause() instanceof IgniteClientDisconnectedException) {
            // a chunk that was running and one submitted after the loss both end here
            return new PoolException("this kernel has lost its connection to the cluster at " + cluster.addresses()
                    + ", so " + poolName + "'s chunk could not run or finish (" + e.getMessage() + "); the call fails", e);
        }
        if (e instanceof ClusterGroupEmptyException || e instanceof ClusterTopologyException
                || e.getCause() instanceof ClusterTopologyException) {
            return new PoolException("no server node of " + cluster.addresses() + " is left to run " + poolName
                    + "'s chunk (" + e.getMessage() + "); the call fails, the pool takes new calls once servers are back", e);
        }
        return new PoolException(poolName + "'s chunk could not run on the cluster: " + e, e);
    }

    @Override
    public void forget(final Call call) {
        if (open.remove(call.key())) {
            ClassRequest.close(call.key());
        }
    }

    @Override
    public void close() {
        submitter.shutdown();
        for (String key : open) {
            ClassRequest.close(key);
        }
        open.clear();
    }
}
