package org.kernellib.mp.pool;

import java.time.Duration;

import org.kernellib.mp.process.Task;
import org.kernellib.mp.start.Starters;

/**
 * The options of a {@link Pool}, from {@link Pool#builder()}: how many workers, an initializer,
 * how many chunks a worker runs before it is replaced, a per-chunk time limit, a start method, a
 * name, and whether the chunks run on a cluster instead.
 */
public final class PoolBuilder {
    // Read by Pool's constructor, in this package.
    int processes = Runtime.getRuntime().availableProcessors();
    boolean processesGiven;
    ChunkRunner.Factory cluster;
    Task initializer;
    int maxTasksPerChild;
    String name;
    Duration taskTimeout;
    String startMethod;

    /** Number of workers (default: {@code Runtime.availableProcessors()}). */
    public PoolBuilder processes(final int n) {
        if (n < 1) {
            throw new IllegalArgumentException("processes must be at least 1, not " + n);
        }
        this.processes = n;
        this.processesGiven = true;
        return this;
    }

    /** Runs once in each worker, before its first task (null: none). */
    public PoolBuilder initializer(final Task t) {
        this.initializer = t;
        return this;
    }

    /** Replace a worker after this many chunks (0: never, the default). */
    public PoolBuilder maxTasksPerChild(final int n) {
        if (n < 0) {
            throw new IllegalArgumentException("maxTasksPerChild must be 0 (unlimited) or positive, not " + n);
        }
        this.maxTasksPerChild = n;
        return this;
    }

    /**
     * Fails a chunk that runs longer than {@code limit} (null or zero: no limit, the
     * default): its worker is killed and replaced, and the call fails with an error naming the
     * worker, its pid and the limit. Without a limit a slow call keeps waiting, as it should;
     * a worker that is stopped (SIGSTOP) is noticed and replaced either way.
     */
    public PoolBuilder taskTimeout(final Duration limit) {
        if (limit != null && limit.isNegative()) {
            throw new IllegalArgumentException("taskTimeout must be positive, or null or zero for none, not " + limit);
        }
        this.taskTimeout = limit == null || limit.isZero() ? null : limit;
        return this;
    }

    /**
     * The start method of this pool's workers, {@code "spawn"} or {@code "prestart"} (default:
     * this JVM's, {@code setStartMethod}); a context's {@code pool(...)} sets it.
     */
    public PoolBuilder startMethod(final String method) {
        this.startMethod = Starters.canonical(method);
        return this;
    }

    /**
     * Runs the chunks on a cluster's nodes (kernel-lib-cluster's {@code Cluster}) instead of
     * worker JVMs of this machine, with the same API. {@code processes} then bounds the chunks
     * running at once (default: the cluster's CPUs); {@code maxTasksPerChild} and
     * {@code taskTimeout} do not apply, since the nodes are not the pool's to replace.
     */
    public PoolBuilder cluster(final ChunkRunner.Factory c) {
        this.cluster = c;
        return this;
    }

    /** Name of the pool, for messages and progress (default {@code Pool-N}). */
    public PoolBuilder name(final String n) {
        this.name = n;
        return this;
    }

    /** Starts the pool (see {@link Pool}). */
    public Pool build() {
        if (cluster != null && (maxTasksPerChild > 0 || taskTimeout != null || startMethod != null)) {
            throw new IllegalArgumentException("maxTasksPerChild, taskTimeout and startMethod do not apply to a pool on a "
                    + "cluster: its nodes are not the pool's to start or replace; leave them out");
        }
        return new Pool(this);
    }
}
