package org.kernellib.mp.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteClientDisconnectedException;
import org.apache.ignite.IgniteException;
import org.apache.ignite.IgniteMessaging;
import org.apache.ignite.cluster.ClusterGroup;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.cluster.ClusterTopologyException;
import org.apache.ignite.events.DiscoveryEvent;
import org.apache.ignite.events.Event;
import org.apache.ignite.events.EventType;
import org.apache.ignite.lang.IgniteBiPredicate;
import org.apache.ignite.lang.IgniteFuture;
import org.apache.ignite.lang.IgnitePredicate;

/**
 * How a kernel's pool chunks reach the servers and come back: Ignite messages, one request to the
 * server with the fewest chunks out ({@link #next}) and one answer, with kernel-lib's own
 * failover: a chunk whose server leaves the cluster before it answers is sent to another (so a
 * chunk's side effects may happen twice: at least once). Ignite's compute grid did the same with
 * far more machinery per call: its task and job bookkeeping made a fresh cluster's trivial call
 * 1.2 ms where a message there and back took 0.7 (measured on two cores, before this class).
 *
 * <p>One per cluster handle, made with it. Its topics carry a name of their own, so that two
 * kernels on one cluster (or two handles in one kernel) never take each other's chunks. A chunk
 * fails, rather than waits, when no server is left ({@link ClusterTopologyException}). When the
 * cluster drops this kernel's client (it could not reconnect in time, say through a server that
 * was paused as its router died), the chunks out wait for the client to rejoin as a new node, for
 * {@link NodeConfig#REJOIN_WAIT_MS}, and go out again (at least once, as above); past that they
 * fail ({@link IgniteClientDisconnectedException}), and so does every chunk sent until it rejoins.
 */
final class ChunkTransport implements AutoCloseable {
    /** The events it follows (Ignite delivers these to local listeners without being told to record them). */
    private static final int[] DISCOVERY_EVENTS = {EventType.EVT_NODE_LEFT, EventType.EVT_NODE_FAILED,
        EventType.EVT_CLIENT_NODE_DISCONNECTED, EventType.EVT_CLIENT_NODE_RECONNECTED};

    /** A chunk sent and not answered yet: where it went, so it can go elsewhere if that node leaves. */
    private static final class Pending {
        final String id;
        final byte[] request;
        final CompletableFuture<byte[]> answer = new CompletableFuture<>();
        /** The node the request went to last; changed under this Pending's lock. */
        volatile UUID node;
        /** The {@link #membership} it was last sent in: one before the client rejoined is sent again. */
        volatile int sentIn;

        Pending(final String id, final byte[] request) {
            this.id = id;
            this.request = request;
        }
    }

    private final Ignite ignite;
    private final ClusterGroup servers;
    private final String name = UUID.randomUUID().toString();
    private final String answerTopic = "kernel-lib-answers-" + name;
    private final String requestTopic = "kernel-lib-chunks-" + name;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    /** The messaging to each server sent to, made once rather than at every chunk; a server's goes when it leaves. */
    private final Map<UUID, IgniteMessaging> toNode = new ConcurrentHashMap<>();
    /** Where the look for the least busy server starts: at random, so kernels do not all start at one. */
    private final AtomicInteger turn = new AtomicInteger(ThreadLocalRandom.current().nextInt());
    /** The server chosen last: the next chunk goes there too when no server has fewer out. */
    private volatile UUID last;
    private final IgniteBiPredicate<UUID, Object> answers = this::answered;
    private final IgnitePredicate<Event> discovery = this::discovered;
    /** Sends the chunks of a node that left elsewhere, off Ignite's discovery thread. */
    private final ExecutorService failover = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "kernel-lib-cluster-failover");
        t.setDaemon(true);
        return t;
    });
    /** How many times this client has rejoined the cluster as a new node. */
    private volatile int membership;
    /** The client has been out longer than {@link NodeConfig#REJOIN_WAIT_MS}: chunks fail at once. */
    private volatile boolean gaveUp;
    /** The servers' listener being installed, then installed: its id. */
    private final IgniteFuture<UUID> listening;
    private volatile boolean closed;

    /** Starts installing the servers' listener; the first chunks wait until it is in place. */
    ChunkTransport(final Ignite ignite) {
        this.ignite = ignite;
        this.servers = ignite.cluster().forServers();
        ignite.message().localListen(answerTopic, answers);
        ignite.events().localListen(discovery, DISCOVERY_EVENTS);
        // On every server, those that join later too. Ignite installs it anew when this client
        // is dropped by the cluster and rejoins as a new node (seen: a kernel paused 50 s, taken
        // back, ran its next apply at once), and removes it when this client leaves.
        // It is a discovery round (some 45 ms here), begun as the cluster handle is made.
        listening = ignite.message(servers).remoteListenAsync(requestTopic, new ChunkListener(answerTopic));
    }

    /**
     * Sends chunk {@code id}'s {@code request} ({@link ChunkRequest}) to a server; the future gets
     * the node's reply ({@link NodeCalls#encode}'s layout), or fails as the class says. It may
     * block while the client reconnects: call it off any lock others wait on.
     */
    CompletableFuture<byte[]> send(final String id, final byte[] request) {
        Pending p = new Pending(id, request);
        pending.put(id, p);
        if (closed) {
            fail(p, new IllegalStateException("the cluster handle is closed"));
            return p.answer;
        }
        if (gaveUp) {
            fail(p, notBack());
            return p.answer;
        }
        try {
            listening.get();
        } catch (IgniteException e) {
            fail(p, e);
            return p.answer;
        }
        sendTo(p, null);
        return p.answer;
    }

    /** Chunk {@code id} is no longer wanted (cancelled): its node leaving sends it nowhere. */
    void forget(final String id) {
        pending.remove(id);
    }

    /** Sends {@code p} to the next server, unless it moved on already from {@code movedFrom} (null: first send). */
    private void sendTo(final Pending p, final UUID movedFrom) {
        UUID from = movedFrom;
        while (!p.answer.isDone()) {
            ClusterNode node;
            synchronized (p) {
                if (p.node != null && !p.node.equals(from)) {
                    return; // another thread moved it on already
                }
                node = next();
                if (node == null) {
                    fail(p, new ClusterTopologyException("no server node is in the cluster"));
                    return;
                }
                p.node = node.id();
                p.sentIn = membership;
            }
            try {
                toNode.computeIfAbsent(node.id(), id -> ignite.message(ignite.cluster().forNodeId(id)))
                        .send(requestTopic, p.request);
                return;
            } catch (IgniteClientDisconnectedException e) {
                if (gaveUp) {
                    fail(p, notBack());
                }
                return; // sent again when the client rejoins (it is in an earlier membership)
            } catch (ClusterTopologyException e) {
                // that node left between choosing and sending: the next one
                from = node.id();
            } catch (IgniteException e) {
                fail(p, e);
                return;
            }
        }
    }

    /**
     * The server with the fewest of this handle's chunks out, or null when there is none. Among
     * equals, the one chosen last, else the next in turn: calls made one after another (an
     * {@code apply} in a loop) stay on one server, whose JIT then warms alone, while a map's
     * chunks spread over the servers as they fill.
     */
    private ClusterNode next() {
        List<ClusterNode> nodes = new ArrayList<>(servers.nodes());
        if (nodes.isEmpty()) {
            return null;
        }
        Map<UUID, Integer> out = new HashMap<>();
        for (Pending p : pending.values()) {
            UUID n = p.node;
            if (n != null) {
                out.merge(n, 1, Integer::sum);
            }
        }
        int start = Math.floorMod(turn.getAndIncrement(), nodes.size());
        ClusterNode best = null;
        int fewest = Integer.MAX_VALUE;
        for (int i = 0; i < nodes.size(); i++) {
            ClusterNode n = nodes.get((start + i) % nodes.size());
            int o = out.getOrDefault(n.id(), 0);
            if (o < fewest || o == fewest && n.id().equals(last)) {
                best = n;
                fewest = o;
            }
        }
        last = best.id();
        return best;
    }

    private boolean answered(final UUID node, final Object message) {
        ChunkRequest.Answer a = ChunkRequest.readAnswer((byte[]) message);
        Pending p = pending.remove(a.id());
        if (p != null && a.reply() != null) {
            p.answer.complete(a.reply());
        } else if (p != null) {
            p.answer.completeExceptionally(new ClusterException(a.failure()));
        }
        return true;
    }

    private boolean discovered(final Event event) {
        switch (event.type()) {
            case EventType.EVT_NODE_LEFT, EventType.EVT_NODE_FAILED -> {
                ClusterNode left = ((DiscoveryEvent) event).eventNode();
                UUID gone = left.id();
                toNode.remove(gone);
                int moved = 0;
                for (Pending p : pending.values()) {
                    if (gone.equals(p.node) && !closed) {
                        moved++;
                        try {
                            failover.execute(() -> sendTo(p, gone));
                        } catch (RejectedExecutionException e) {
                            fail(p, new IllegalStateException("the cluster handle is closed"));
                        }
                    }
                }
                if (moved > 0) {
                    ignite.log().warning(moved + (moved == 1 ? " chunk" : " chunks") + " of node "
                            + Cluster.info(left).name() + ", which has left, "
                            + (moved == 1 ? "runs" : "run") + " again on another node");
                }
            }
            case EventType.EVT_CLIENT_NODE_DISCONNECTED -> {
                int dropped = membership;
                CompletableFuture.delayedExecutor(NodeConfig.REJOIN_WAIT_MS, TimeUnit.MILLISECONDS).execute(() -> {
                    if (membership == dropped) { // not rejoined in time
                        gaveUp = true;
                        for (Pending p : pending.values()) {
                            fail(p, notBack());
                        }
                    }
                });
            }
            case EventType.EVT_CLIENT_NODE_RECONNECTED -> {
                membership++; // only this discovery thread writes it
                gaveUp = false;
                sendAgainAfterRejoin();
            }
            default -> {
                // not asked for
            }
        }
        return true;
    }

    /**
     * Sends again, off the discovery thread, every chunk sent before this client rejoined: its
     * answer would go to the node this client was, which the cluster has dropped.
     */
    private void sendAgainAfterRejoin() {
        int now = membership;
        int again = 0;
        for (Pending p : pending.values()) {
            if (p.sentIn < now && !closed) {
                again++;
                UUID from = p.node;
                try {
                    failover.execute(() -> sendTo(p, from));
                } catch (RejectedExecutionException e) {
                    fail(p, new IllegalStateException("the cluster handle is closed"));
                }
            }
        }
        ignite.log().warning("this kernel's client node was dropped by the cluster and has rejoined it as a new node"
                + (again == 0 ? "" : ": " + again + (again == 1 ? " chunk it had out runs" : " chunks it had out run")
                + " again"));
    }

    private static IgniteClientDisconnectedException notBack() {
        return new IgniteClientDisconnectedException(null, "this client node has lost the cluster and has not "
                + "rejoined it within " + NodeConfig.REJOIN_WAIT_MS / 1000 + " s");
    }

    private void fail(final Pending p, final Throwable e) {
        pending.remove(p.id);
        p.answer.completeExceptionally(e);
    }

    /**
     * Fails the chunks still out. Called as the client node leaves, which ends its listeners here
     * and on the servers (Ignite removes a routine when the node that started it leaves): asking
     * the servers to stop it first would only wait on a cluster that may be gone.
     */
    @Override
    public void close() {
        closed = true;
        failover.shutdownNow();
        for (Pending p : pending.values()) {
            fail(p, new IllegalStateException("the cluster handle is closed"));
        }
    }
}
