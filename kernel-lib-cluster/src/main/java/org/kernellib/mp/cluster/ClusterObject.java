package org.kernellib.mp.cluster;

import java.io.Serializable;
import java.util.List;

import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteClientDisconnectedException;
import org.apache.ignite.IgniteIllegalStateException;
import org.apache.ignite.Ignition;
import org.apache.ignite.configuration.AtomicConfiguration;

/**
 * What a cluster value, lock, semaphore or queue is as an object: its name in the cluster, and
 * the Ignite node it talks through, found anew in each JVM. So it travels like any notebook
 * variable (copied at a pool call, with the rest of the state the function uses) and rebinds on
 * arrival: in the kernel that made it, to that handle's client node; on a server node, to the
 * node itself. The structure lives in the cluster with one backup, so it survives one node's death.
 */
abstract class ClusterObject implements Serializable {
    private static final long serialVersionUID = 1L;
    /** One backup copy of every structure: it survives the death of the node that holds it. */
    static final int BACKUPS = 1;

    final String name;
    /** The Ignite instance name of the client node that made it. */
    private final String home;
    private transient Ignite ignite;

    ClusterObject(final Cluster cluster, final String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a cluster object needs a name, which is how every node finds it");
        }
        this.name = name;
        this.home = cluster.ignite().name();
        this.ignite = cluster.ignite();
    }

    static AtomicConfiguration atomics() {
        return new AtomicConfiguration().setBackups(BACKUPS);
    }

    /** The Ignite node of this JVM that this object talks through. */
    final Ignite ignite() {
        Ignite i = ignite;
        if (i != null) {
            return i;
        }
        try {
            i = Ignition.ignite(home);
        } catch (IgniteIllegalStateException notHere) {
            List<Ignite> all = Ignition.allGrids();
            if (all.size() != 1) {
                throw new IllegalStateException(getClass().getSimpleName() + " '" + name + "' works in the JVM that "
                        + "made it and on the nodes of its cluster; this JVM runs " + all.size() + " Ignite nodes", notHere);
            }
            i = all.get(0);
        }
        ignite = i;
        return i;
    }

    /** The name it has in the cluster. */
    public final String name() {
        return name;
    }

    /** One operation on the structure. */
    interface Op<T> {
        T run();
    }

    /**
     * Runs one operation on the structure. Ignite's word that this JVM's node has lost the
     * cluster (a {@code IgniteClientDisconnectedException}, bare or wrapped in a
     * {@code CacheException}) becomes a {@link ClusterException} that names the structure and says so.
     */
    final <T> T call(final String what, final Op<T> op) {
        try {
            return op.run();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof IgniteClientDisconnectedException) {
                    // not this.toString(): a semaphore's reads the cluster, which would fail again
                    throw new ClusterException(what + " on " + getClass().getSimpleName() + " '" + name + "' failed: this "
                            + "JVM has lost its connection to the cluster (" + t.getMessage() + ")", e);
                }
            }
            throw e;
        }
    }
}
