package org.kernellib.mp.pool;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.kernellib.mp.process.ProcessInfo;
import org.kernellib.mp.serial.ClassShipper;

/**
 * The workers of a pool whose chunks run elsewhere, through a {@link ChunkRunner} (a cluster's
 * nodes): hands queued chunks to the runner while it has free slots and enters what comes back
 * into the {@link JobBook}, decoded as a local worker's answer is ({@link ResultReader#decode}).
 * The workers are not this pool's to start, replace or kill: a cancelled call's running chunks
 * are cancelled through the runner instead, and a worker that vanishes is the runner's to deal with.
 */
final class RunnerWorkers implements WorkerBackend {
    private final JobBook book;
    private final Object lock;
    private final ChunkRunner runner;
    /** At most this many chunks at once; 0: as many as the runner has slots. */
    private final int limit;
    private final byte[] initializer;
    private final ClassShipper initializerClasses;
    /** Answers are decoded here, off the runner's threads and outside the book's lock. */
    private final ExecutorService answers;
    /** Guarded by the lock: chunks out, and each call's runner form. */
    private final Map<Chunk, CompletableFuture<ChunkRunner.Outcome>> running = new HashMap<>();
    private final Map<Integer, ChunkRunner.Call> calls = new HashMap<>();
    private final Set<Long> pidsSeen = new LinkedHashSet<>();
    private final String keyPrefix = UUID.randomUUID() + "#";
    private boolean stopped;

    RunnerWorkers(final JobBook book, final ChunkRunner runner, final int limit, final byte[] initializer,
            final ClassShipper initializerClasses) {
        this.book = book;
        this.lock = book.lock;
        this.runner = runner;
        this.limit = limit;
        this.initializer = initializer;
        this.initializerClasses = initializerClasses;
        this.answers = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kernel-lib-pool-answers-" + book.poolName());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void start() throws InterruptedException {
        if (initializer.length == 0) {
            return;
        }
        for (ChunkRunner.Outcome o : runner.initialize(new ChunkRunner.Call(keyPrefix + "0", initializer, initializerClasses))) {
            if (o.type() == PoolProtocol.INIT_FAILED) {
                PoolException e;
                try {
                    e = ResultReader.initFailure(book.poolName(), o.worker(), o.pid(), o.payload());
                } catch (IOException bad) {
                    e = new PoolException("the initializer of " + book.poolName() + " failed in worker " + o.worker()
                            + " (pid " + o.pid() + "), which sent an unreadable report", bad);
                }
                synchronized (lock) {
                    book.breakLocked(e);
                }
                throw e;
            }
        }
    }

    @Override
    public void dispatchLocked() {
        int max = limit > 0 ? limit : Math.max(1, runner.slots()); // with no slot, one chunk goes to learn why
        while (!stopped && running.size() < max && book.hasQueuedLocked()) {
            Chunk c = book.nextChunkLocked();
            if (c == null) {
                return;
            }
            ChunkRunner.Call call = calls.computeIfAbsent(c.job.id,
                    id -> new ChunkRunner.Call(keyPrefix + id, c.job.payload, c.job.shipper));
            c.sentAt = System.nanoTime();
            CompletableFuture<ChunkRunner.Outcome> f = runner.run(call, c.bytes);
            running.put(c, f);
            f.whenCompleteAsync((o, e) -> ended(c, o, e), answers);
        }
    }

    /** A chunk came back (or could not run): decode, enter it in the book, send more. */
    private void ended(final Chunk c, final ChunkRunner.Outcome o, final Throwable failure) {
        Throwable e = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        ResultReader.Answer a = null;
        PoolException error = null;
        if (e == null) {
            try {
                a = ResultReader.decode(o.worker(), o.pid(), c.job, o.type(), o.payload());
            } catch (IOException | RuntimeException bad) {
                error = new PoolException("unreadable answer from worker " + o.worker() + " (pid " + o.pid()
                        + ") to chunk " + c.index + " of pool call #" + c.job.id + ": " + bad, bad);
            }
        } else if (!(e instanceof CancellationException)) {
            error = e instanceof PoolException ? (PoolException) e : new PoolException("chunk " + c.index
                    + " of pool call #" + c.job.id + " (" + c.job.label + ") could not run: " + e, e);
        }
        synchronized (lock) {
            running.remove(c);
            if (o != null && o.pid() > 0) {
                pidsSeen.add(o.pid());
            }
            if (a != null) {
                book.chunkEndedLocked(c, o.worker(), o.pid(), a.start(), a.end(), a.skipped(), a.results(), a.error());
            } else if (error != null) {
                Instant now = Instant.now();
                book.chunkEndedLocked(c, "-", -1, now, now, true, null, error);
            }
            dispatchLocked();
            lock.notifyAll();
        }
        c.job.reportProgress();
    }

    @Override
    public void replaceLocked() {
        dispatchLocked(); // nothing to start: workers come and go with the cluster
    }

    @Override
    public void cancelLocked(final Job job) {
        for (Map.Entry<Chunk, CompletableFuture<ChunkRunner.Outcome>> r : new ArrayList<>(running.entrySet())) {
            if (r.getKey().job == job) {
                r.getValue().cancel(true);
            }
        }
    }

    @Override
    public void forgetLocked(final Job job) {
        ChunkRunner.Call call = calls.remove(job.id);
        if (call != null) {
            runner.forget(call);
        }
    }

    @Override
    public boolean runsLocked(final Job job) {
        for (Chunk c : running.keySet()) {
            if (c.job == job) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void killRunningLocked(final Job job) {
        cancelLocked(job);
    }

    @Override
    public List<ProcessInfo> workers() {
        return runner.workers();
    }

    @Override
    public List<Long> allPids() {
        synchronized (lock) {
            return new ArrayList<>(pidsSeen);
        }
    }

    @Override
    public int size() {
        return runner.workers().size();
    }

    @Override
    public void stop(final boolean kill) {
        synchronized (lock) {
            stopped = true;
            if (kill) {
                for (CompletableFuture<ChunkRunner.Outcome> f : new ArrayList<>(running.values())) {
                    f.cancel(true);
                }
            }
        }
        runner.close();
        answers.shutdown();
    }

    @Override
    public void awaitEnded() {
        // The workers are the cluster's, not this pool's: nothing of ours is left once stopped.
    }
}
