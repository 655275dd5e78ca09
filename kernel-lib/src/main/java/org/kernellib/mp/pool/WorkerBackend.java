package org.kernellib.mp.pool;

import java.util.List;

import org.kernellib.mp.process.ProcessInfo;

/**
 * The seam between a pool's API and bookkeeping ({@link Pool}, {@link JobBook}) and the workers
 * that run its chunks. {@link LocalWorkers} (worker JVMs on this machine) is the one kind today;
 * another kind (the nodes of a cluster, say) serves the same {@code Pool} API by implementing
 * this interface, without copying the API or the bookkeeping.
 *
 * <p>What an implementation owes the book: it takes queued chunks with
 * {@link JobBook#nextChunkLocked()} whenever a worker can take one, reports each chunk's end with
 * {@link JobBook#chunkEndedLocked}, hands back the chunks of a worker that died with
 * {@link JobBook#workerLostLocked}, and keeps the pool at strength. Methods named {@code ...Locked}
 * are called with the book's lock held and must not block.
 */
interface WorkerBackend {
    /**
     * Starts the workers and returns when every one of them is ready (has run the initializer).
     *
     * @throws PoolException when a worker could not start or the initializer failed
     * @throws InterruptedException when interrupted while waiting; the caller terminates the pool
     */
    void start() throws InterruptedException;

    /** Hands queued chunks to the workers that can take one. */
    void dispatchLocked();

    /** Starts a replacement if the pool is short of workers (one failed to start, or ended). */
    void replaceLocked();

    /** The call ended early: the workers skip its chunks they have not started. */
    void cancelLocked(Job job);

    /** The call ended: the workers drop what they keep of it (its function, its loader). */
    void forgetLocked(Job job);

    /** Whether a worker still runs a chunk of the call. */
    boolean runsLocked(Job job);

    /** Kills the workers running chunks of the call (after its grace); they are replaced. */
    void killRunningLocked(Job job);

    /** The workers running now, each with its name and pid. */
    List<ProcessInfo> workers();

    /** The pids of every worker ever started, replaced ones included. */
    List<Long> allPids();

    /** How many workers are running now. */
    int size();

    /**
     * Stops the workers: {@code kill} at once, or else by telling them to finish (they end after
     * their current chunk); waits until they have ended, a few seconds at most.
     */
    void stop(boolean kill);

    /** Waits until every worker ever started has ended. */
    void awaitEnded() throws InterruptedException;
}
