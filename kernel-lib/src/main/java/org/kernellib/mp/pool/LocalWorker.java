package org.kernellib.mp.pool;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.kernellib.mp.start.WorkerHandle;

/**
 * One worker JVM of a pool as {@link LocalWorkers} sees it: its process, whose pipes carry the
 * pool's frames ({@link PoolProtocol}), and the chunks it holds. Mutable fields are guarded by the
 * {@link JobBook}'s lock unless volatile.
 */
final class LocalWorker {
    final String name;
    final WorkerHandle handle;
    final long pid;
    /** Where its large frames come from (see {@link BulkPayloads}). */
    final BulkPayloads bulk;
    /** Completes when the worker has run the initializer. */
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    /** The chunks sent to it and not yet answered. */
    final List<Chunk> inflight = new ArrayList<>();
    /** The calls whose function it has been sent. */
    final Set<Integer> jobsSent = new HashSet<>();
    /** Chunks sent so far, for {@code maxTasksPerChild}. */
    int sent;
    /** It takes no more chunks and goes once idle. */
    boolean retiring;
    /** The pool is done with it: its end is expected. */
    volatile boolean closing;
    /** The pool killed it on purpose (a cancelled call's grace ran out): its chunks go back to the queue. */
    volatile boolean killedByPool;
    volatile boolean initFailed;
    /** It is sent an initializer: it is ready at INIT_OK, not at HELLO. */
    final boolean runsInitializer;
    /** Why the pool killed it as frozen (stopped, or over the task timeout); null if it did not. */
    volatile String killedBecause;

    LocalWorker(final String name, final WorkerHandle handle, final Path bulkDirectory, final boolean runsInitializer) {
        this.name = name;
        this.runsInitializer = runsInitializer;
        this.handle = handle;
        this.pid = handle.pid();
        this.bulk = new BulkPayloads(bulkDirectory, pid);
    }

    /** Sends it a frame of the pool's protocol; blocks while its stdin pipe is full. */
    void send(final byte type, final int id, final byte[] payload) throws IOException {
        handle.sendToTask(type, id, payload);
    }

    /**
     * Sends it the pool's initializer, if there is one; {@link #ready} completes when it answers,
     * or without one at its HELLO. Sent right behind its task, INIT waits in the pipe while a cold
     * JVM boots (see {@link PoolProtocol#INIT}).
     */
    void initialize(final byte[] initializer) throws IOException {
        if (runsInitializer) {
            send(PoolProtocol.INIT, 0, initializer);
        }
    }

    /** Tells it to end after what it holds; it then exits, and its pipes end. */
    void stop() {
        try {
            send(PoolProtocol.STOP, 0, new byte[0]);
        } catch (IOException e) {
            // gone already: its end is being handled
        }
    }

    /** Whether it holds a chunk of {@code job}. */
    boolean holds(final Job job) {
        for (Chunk c : inflight) {
            if (c.job == job) {
                return true;
            }
        }
        return false;
    }

    /** Removes and returns the chunk it held with this call id and index, or null. */
    Chunk takeInflight(final int jobId, final int index) {
        for (int i = 0; i < inflight.size(); i++) {
            Chunk c = inflight.get(i);
            if (c.job.id == jobId && c.index == index) {
                inflight.remove(i);
                return c;
            }
        }
        return null;
    }
}
