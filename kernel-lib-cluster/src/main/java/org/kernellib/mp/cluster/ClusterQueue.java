package org.kernellib.mp.cluster;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteQueue;
import org.apache.ignite.cache.CacheMode;
import org.apache.ignite.configuration.CollectionConfiguration;
import org.kernellib.mp.serial.ObjectCodec;
import org.kernellib.mp.shared.queue.EmptyException;
import org.kernellib.mp.shared.queue.FullException;

/**
 * A FIFO queue of the whole cluster, with the methods of kernel-lib's {@code Queue}. Items travel
 * as kernel-lib encodes them (the codec of a {@code Process}'s copied variables), so Ignite only
 * ever holds bytes and needs no class of the notebook; they are decoded in the JVM that takes them.
 * The queue ({@code IgniteQueue}) keeps one backup of its items, in a cache group of its own
 * ({@code kernel-lib-queues}), so it survives one node's death.
 */
public final class ClusterQueue<E> extends ClusterObject {
    private static final long serialVersionUID = 1L;
    /** Queues with other backup counts would need a cache group of their own (an Ignite rule). */
    private static final String GROUP = "kernel-lib-queues";

    /**
     * The queues this JVM's nodes have opened, by node, name and bound. Ignite's {@code queue(...)}
     * is a transaction on the cluster's metadata each time, and every job that uses a queue
     * arrives with a copy of its own ({@code queue} is transient), so without this each such job
     * paid it again (an apply that puts one item: 4.9-5.2 ms before, 2.4-2.6 ms after, ClusterBench).
     * Ignite's queue objects are safe to share between threads.
     */
    private static final ConcurrentMap<String, IgniteQueue<byte[]>> OPENED = new ConcurrentHashMap<>();

    private final int maxsize;
    private transient IgniteQueue<byte[]> queue;

    ClusterQueue(final Cluster cluster, final String name, final int maxsize) {
        super(cluster, name);
        if (maxsize < 0) {
            throw new IllegalArgumentException("maxsize must be 0 (unbounded) or positive, not " + maxsize);
        }
        this.maxsize = maxsize;
        queue();
    }

    private IgniteQueue<byte[]> queue() {
        IgniteQueue<byte[]> q = queue;
        if (q == null || q.removed()) {
            Ignite node = ignite();
            String key = node.name() + '/' + maxsize + '/' + name;
            q = OPENED.get(key);
            if (q == null || q.removed()) {
                CollectionConfiguration c = new CollectionConfiguration();
                c.setBackups(BACKUPS);
                c.setCacheMode(CacheMode.PARTITIONED);
                c.setGroupName(GROUP);
                q = node.queue(name, maxsize, c);
                OPENED.put(key, q);
            }
            queue = q;
        }
        return q;
    }

    /** Forgets the queues node {@code igniteName} opened, as it stops. */
    static void forgetNode(final String igniteName) {
        OPENED.keySet().removeIf(k -> k.startsWith(igniteName + '/'));
    }

    /** Adds an item, waiting while the queue is full. */
    public void put(final E item) {
        byte[] b = ObjectCodec.write(item, "an item of cluster queue '" + name + "'");
        call("put()", () -> {
            queue().put(b);
            return null;
        });
    }

    /** Adds an item now, or throws {@link FullException}. */
    public void putNowait(final E item) {
        byte[] b = ObjectCodec.write(item, "an item of cluster queue '" + name + "'");
        if (!call("putNowait()", () -> queue().offer(b))) {
            throw new FullException("cluster queue '" + name + "' is full (maxsize " + maxsize + ")");
        }
    }

    /** Takes the next item, waiting while the queue is empty. */
    public E get() {
        return decode(call("get()", () -> queue().take()));
    }

    /** Takes the next item, waiting at most {@code timeout}; throws {@link EmptyException} after it. */
    public E get(final Duration timeout) {
        byte[] b = call("get(timeout)", () -> queue().poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
        if (b == null) {
            throw new EmptyException("cluster queue '" + name + "' stayed empty for " + timeout.toMillis() + " ms");
        }
        return decode(b);
    }

    /** Takes the next item now, or throws {@link EmptyException}. */
    public E getNowait() {
        byte[] b = call("getNowait()", () -> queue().poll());
        if (b == null) {
            throw new EmptyException("cluster queue '" + name + "' is empty");
        }
        return decode(b);
    }

    @SuppressWarnings("unchecked")
    private E decode(final byte[] b) {
        ClassLoader l = Thread.currentThread().getContextClassLoader();
        try {
            return (E) ObjectCodec.read(new ByteArrayInputStream(b), l != null ? l : ClusterQueue.class.getClassLoader(),
                    "an item of cluster queue '" + name + "'");
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot read an item of cluster queue '" + name + "': " + e, e);
        }
    }

    /** The number of items now. */
    public int qsize() {
        return call("qsize()", () -> queue().size());
    }

    public boolean empty() {
        return call("empty()", () -> queue().isEmpty());
    }

    public boolean full() {
        return maxsize > 0 && qsize() >= maxsize;
    }

    /** The bound given at creation; 0 for unbounded. */
    public int maxsize() {
        return maxsize;
    }

    @Override
    public String toString() {
        return "ClusterQueue(" + name + ")";
    }
}
