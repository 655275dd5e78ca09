package org.kernellib.mp.pool;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.kernellib.mp.process.ProcessInfo;
import org.kernellib.mp.serial.ClassShipper;

/**
 * Where a pool's chunks run when they do not run on worker JVMs of this machine: the seam that
 * {@code kernel-lib-cluster} plugs a cluster's nodes into ({@code Pool.builder().cluster(c)}), so
 * that the same {@link Pool} API, bookkeeping and error reporting serve both. A runner moves bytes
 * only: the call's encoded function and a chunk's encoded items go out, and what the node's
 * {@link ChunkExecution} answered comes back; the pool encodes and decodes both ends.
 *
 * <p>What a runner owes the pool: {@link #run} completes with the worker's answer, or
 * exceptionally with a {@link PoolException} that says why no worker could run the chunk (the
 * call then fails with it); cancelling the future it returned asks the worker to stop the chunk.
 * A runner re-runs a chunk whose worker vanished on another worker itself, if it can.
 */
public interface ChunkRunner {
    /** What makes a runner for a pool: a cluster handle. */
    interface Factory {
        ChunkRunner open(String poolName);
    }

    /**
     * One call as a runner carries it: a key unique in this JVM, the encoded {@code TaskPayload}
     * of its function (or initializer), and the shipper that answers the workers' class requests.
     */
    record Call(String key, byte[] payload, ClassShipper classes) {
    }

    /** A worker's answer: who ran it (name and pid) and the {@link ChunkExecution.Reply}'s type and payload. */
    record Outcome(String worker, long pid, byte type, byte[] payload) {
    }

    /** Runs the initializer on every worker there is now; returns each worker's answer. */
    List<Outcome> initialize(Call initializer) throws InterruptedException;

    /** How many chunks may run at once now (the pool sends no more); 0 when no worker is there. */
    int slots();

    /** The workers now, each with its name and pid. */
    List<ProcessInfo> workers();

    /** Runs chunk {@code chunk} (as {@link ChunkExecution#run} takes it) of {@code call} on some worker. */
    CompletableFuture<Outcome> run(Call call, byte[] chunk);

    /** The call is over: drop what is kept for it. */
    void forget(Call call);

    /** The pool is done with the runner. */
    void close();
}
