package org.kernellib.mp.pool;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.kernellib.mp.process.ExitCode;
import org.kernellib.mp.process.ProcessInfo;
import org.kernellib.mp.serial.ClassShipper;
import org.kernellib.mp.start.Starter;
import org.kernellib.mp.start.WorkerHandle;

/**
 * The worker JVMs of a pool on this machine: hands out chunks, cancels, retires a worker after
 * {@code maxTasksPerChild}, handles each worker's end (reap, fail or requeue what it held, replace
 * it), stops them. How they start and are replaced is {@link LocalWorkerStarts}; each runs
 * {@link PoolWorkerLoop}'s task and talks to the pool over its own pipes ({@link PoolProtocol});
 * {@link ResultReader} takes what it sends; {@link WorkerWatch} kills a frozen one.
 */
final class LocalWorkers implements WorkerBackend {
    /** Chunks in flight per worker: 1, like Python, so a slow chunk never holds back a queued one. */
    private static final int PREFETCH = 1;

    private final JobBook book;
    private final Object lock;
    private final String poolName;
    private final int maxTasksPerChild;
    final ClassShipper initializerClasses;
    private final ResultReader reader;
    private final WorkerWatch watch;
    private final LocalWorkerStarts starts;

    /** The workers that take chunks; guarded by the lock. */
    private final List<LocalWorker> slots = new ArrayList<>();
    /** Every worker ever launched, replaced and still starting ones included; read without the lock. */
    private final List<LocalWorker> everyWorker = new CopyOnWriteArrayList<>();

    LocalWorkers(final JobBook book, final int processes, final int maxTasksPerChild, final ClassLoader contextLoader,
            final byte[] initializer, final ClassShipper initializerClasses, final Duration taskTimeout,
            final Starter starter) {
        this.book = book;
        this.lock = book.lock;
        this.poolName = book.poolName();
        this.maxTasksPerChild = maxTasksPerChild;
        this.initializerClasses = initializerClasses;
        this.reader = new ResultReader(book, this);
        this.watch = new WorkerWatch(this, taskTimeout);
        this.starts = new LocalWorkerStarts(this, book, processes, contextLoader, initializer, starter);
    }

    @Override
    public void start() throws InterruptedException {
        watch.start(poolName); // from the first start on: a worker may freeze before it is ready
        starts.startAll();
    }

    // ------------------------------------------------------------------ scheduling (under lock)

    @Override
    public void dispatchLocked() {
        for (int target = 1; target <= PREFETCH; target++) {
            for (LocalWorker s : new ArrayList<>(slots)) { // a copy: retiring removes from slots
                if (!book.hasQueuedLocked()) {
                    return;
                }
                if (s.retiring || s.closing || s.inflight.size() >= target) {
                    continue;
                }
                if (maxTasksPerChild > 0 && s.sent >= maxTasksPerChild) {
                    s.retiring = true;
                    retireIfIdleLocked(s);
                    continue;
                }
                Chunk c = book.nextChunkLocked();
                if (c == null) {
                    return;
                }
                try {
                    if (s.jobsSent.add(c.job.id)) {
                        s.send(PoolProtocol.JOB, c.job.id, c.job.payload);
                    }
                    s.send(PoolProtocol.CHUNK, c.job.id, c.bytes);
                } catch (IOException e) {
                    // The worker is going; its reader reports how. The chunk waits for another.
                    book.requeueLocked(c);
                    s.retiring = true;
                    continue;
                }
                c.sentAt = System.nanoTime();
                s.inflight.add(c);
                s.sent++;
            }
        }
    }

    /** After a chunk of {@code s} ended: retire it if it reached maxTasksPerChild and is idle, then hand out more. */
    void chunkEndedLocked(final LocalWorker s) {
        if (maxTasksPerChild > 0 && s.sent >= maxTasksPerChild) {
            s.retiring = true;
        }
        retireIfIdleLocked(s);
        dispatchLocked();
        lock.notifyAll();
    }

    private void retireIfIdleLocked(final LocalWorker s) {
        if (s.retiring && s.inflight.isEmpty() && !s.closing) {
            s.closing = true;
            slots.remove(s);
            s.stop();
            replaceLocked();
        }
    }

    @Override
    public void replaceLocked() {
        starts.replaceLocked();
    }

    @Override
    public void cancelLocked(final Job job) {
        for (LocalWorker s : slots) {
            if (s.holds(job)) {
                try {
                    s.send(PoolProtocol.CANCEL, job.id, new byte[0]);
                } catch (IOException e) {
                    // going anyway
                }
            }
        }
    }

    @Override
    public void forgetLocked(final Job job) {
        for (LocalWorker s : slots) {
            if (s.jobsSent.remove(job.id)) {
                try {
                    s.send(PoolProtocol.FORGET, job.id, new byte[0]);
                } catch (IOException e) {
                    // going anyway
                }
            }
        }
    }

    @Override
    public boolean runsLocked(final Job job) {
        for (LocalWorker s : slots) {
            if (s.holds(job)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void killRunningLocked(final Job job) {
        for (LocalWorker s : slots) {
            if (s.holds(job)) {
                s.killedByPool = true;
                s.handle.kill();
            }
        }
    }

    // ------------------------------------------------------------------ a worker's life

    /** A worker JVM was launched with the pool's task: what it sends goes to the reader from now on. */
    void launched(final LocalWorker s) {
        everyWorker.add(s);
        s.handle.listen(reader.of(s));
    }

    /** A started worker answered its INIT: it takes chunks, unless the pool no longer wants it. */
    void readyLocked(final LocalWorker s) {
        if (!book.wantsWorkersLocked() && !book.isBroken()) {
            s.closing = true;
            s.stop();
            if (book.stateLocked() == JobBook.State.TERMINATED) {
                s.handle.kill();
            }
        } else if (s.closing) {
            replaceLocked(); // it died between saying ready and joining
        } else {
            slots.add(s);
            dispatchLocked();
        }
    }

    /** The stderr of {@code s} ended, so it is gone: reap it, fail or requeue what it held, replace it. */
    void workerEnded(final LocalWorker s) {
        List<Chunk> lost;
        boolean expected;
        synchronized (lock) {
            expected = s.closing;
            s.closing = true;
            slots.remove(s);
            lost = new ArrayList<>(s.inflight);
            s.inflight.clear();
        }
        WorkerHandle h = s.handle;
        OptionalInt exit = h.reap(expected ? 3000 : 300, 200);
        s.bulk.deleteLeft();
        int code = exit.orElse(Integer.MIN_VALUE);
        String frozen = s.killedBecause;
        String how = frozen != null ? frozen : exit.isPresent() ? ExitCode.describe(code) : "closed its pipes";
        s.ready.completeExceptionally(new IOException("pool worker " + s.name + " (pid " + s.pid + ") " + how
                + " before it was ready (its stderr, if any, is above)"));
        List<Job> touched;
        synchronized (lock) {
            // Chunks of a worker killed for a cancelled call go to others; a frozen worker's calls fail.
            touched = book.workerLostLocked(lost, s.killedByPool && frozen == null, c -> new WorkerDiedException(
                    "worker " + s.name + " (pid " + s.pid + ") " + how + " while running chunk " + c.index + " of pool call #" + c.job.id
                    + " (" + c.job.label + "); " + poolName + " replaces it", s.name, s.pid, code));
            if (!expected || s.killedByPool || frozen != null) {
                replaceLocked();
            }
            dispatchLocked();
            lock.notifyAll();
        }
        for (Job j : touched) {
            j.reportProgress();
        }
    }

    @Override
    public void stop(final boolean kill) {
        List<LocalWorker> all;
        synchronized (lock) {
            all = new ArrayList<>(slots);
            slots.clear();
            for (LocalWorker s : all) {
                s.closing = true;
            }
        }
        for (LocalWorker s : all) {
            if (kill) {
                s.handle.kill();
            } else {
                s.stop();
            }
        }
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (true) {
                if (kill) {
                    for (LocalWorker s : everyWorker) {
                        s.handle.kill(); // also the ones still starting, so their start threads end now
                    }
                }
                synchronized (lock) {
                    if (!starts.anyLocked() || System.nanoTime() > end) {
                        break;
                    }
                    lock.wait(20);
                }
            }
            for (LocalWorker s : everyWorker) {
                if (!s.handle.awaitExit(kill ? 1000 : 3000)) {
                    s.handle.kill();
                    s.handle.awaitExit(1000);
                }
            }
        } catch (InterruptedException e) {
            for (LocalWorker s : everyWorker) {
                s.handle.kill();
            }
            Thread.currentThread().interrupt();
        } finally {
            watch.end();
        }
    }

    // ------------------------------------------------------------------ frozen workers (see WorkerWatch)

    /** The workers running now; call with the lock held. */
    List<LocalWorker> runningLocked() {
        return slots;
    }

    /** Every worker JVM ever launched, replaced and still starting ones included; no lock needed. */
    List<LocalWorker> everyWorker() {
        return everyWorker;
    }

    Object lock() {
        return lock;
    }

    /**
     * Kills a frozen (or garbled) worker, without the lock (a thread holding it may be blocked
     * writing to the frozen worker's full stdin pipe, until this kill); its stderr then ends and
     * {@link #workerEnded} fails the calls it held with {@code why} and replaces it.
     */
    void killFrozen(final LocalWorker s, final String why) {
        if (s.killedBecause == null) {
            s.killedBecause = why;
        }
        s.handle.kill();
    }

    @Override
    public void awaitEnded() throws InterruptedException {
        while (true) {
            synchronized (lock) {
                if (!starts.anyLocked()) {
                    break;
                }
                lock.wait(50);
            }
        }
        for (LocalWorker s : everyWorker) {
            s.handle.awaitExit();
        }
    }

    // ------------------------------------------------------------------ observation

    @Override
    public List<ProcessInfo> workers() {
        synchronized (lock) {
            List<ProcessInfo> r = new ArrayList<>();
            for (LocalWorker s : slots) {
                r.add(new ProcessInfo(s.name, s.pid, true));
            }
            return r;
        }
    }

    @Override
    public List<Long> allPids() {
        List<Long> r = new ArrayList<>();
        for (LocalWorker s : everyWorker) {
            r.add(s.pid);
        }
        return r;
    }

    @Override
    public int size() {
        synchronized (lock) {
            return slots.size();
        }
    }

    static void thread(final String threadName, final Runnable r) {
        Thread t = new Thread(r, threadName);
        t.setDaemon(true);
        t.start();
    }
}
