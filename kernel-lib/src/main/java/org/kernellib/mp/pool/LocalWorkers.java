package org.kernellib.mp.pool;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.kernellib.mp.connection.ControlServer;
import org.kernellib.mp.process.ExitCode;
import org.kernellib.mp.process.ProcessInfo;
import org.kernellib.mp.serial.ClassShipper;
import org.kernellib.mp.start.Launcher;
import org.kernellib.mp.start.Starter;
import org.kernellib.mp.start.WorkerHandle;

/**
 * The worker JVMs of a pool on this machine, and their lifecycle: start (through the
 * {@link Launcher}, like any process), hand out chunks, watch each worker's end, replace it,
 * reap it. Each worker runs {@link PoolWorkerLoop}'s task and talks to the pool over its own
 * connection to the {@link ControlServer}; {@link ResultReader} reads that connection.
 */
final class LocalWorkers implements WorkerBackend {
    /** Chunks in flight per worker: 1, like Python, so a slow chunk never holds back a queued one. */
    private static final int PREFETCH = 1;
    private static final long CONNECT_TIMEOUT_MS = 60_000;
    private static final AtomicInteger WORKERS = new AtomicInteger();

    private final JobBook book;
    private final Object lock;
    private final String poolName;
    private final int processes;
    private final int maxTasksPerChild;
    private final ClassLoader contextLoader;
    private final byte[] initializer;
    /** Where this pool's worker JVMs come from: this JVM's start method, or a context's. */
    private final Starter starter;
    final ClassShipper initializerClasses;
    private final ResultReader reader;
    private final WorkerWatch watch;

    private final List<LocalWorker> slots = new ArrayList<>();
    private final List<WorkerHandle> everyWorker = new CopyOnWriteArrayList<>();
    private int starting;

    LocalWorkers(final JobBook book, final int processes, final int maxTasksPerChild, final ClassLoader contextLoader,
            final byte[] initializer, final ClassShipper initializerClasses, final Duration taskTimeout,
            final Starter starter) {
        this.starter = starter;
        this.book = book;
        this.lock = book.lock;
        this.poolName = book.poolName();
        this.processes = processes;
        this.maxTasksPerChild = maxTasksPerChild;
        this.contextLoader = contextLoader;
        this.initializer = initializer;
        this.initializerClasses = initializerClasses;
        this.reader = new ResultReader(book, this);
        this.watch = new WorkerWatch(this, taskTimeout);
    }

    @Override
    public void start() throws InterruptedException {
        watch.start(poolName); // from the first start on: a worker may freeze before it is ready
        // All workers start in parallel; this returns when each has run the initializer.
        List<CompletableFuture<LocalWorker>> started = new ArrayList<>();
        synchronized (lock) {
            starting += processes;
        }
        for (int i = 0; i < processes; i++) {
            CompletableFuture<LocalWorker> f = new CompletableFuture<>();
            started.add(f);
            thread("kernel-lib-pool-start", () -> {
                try {
                    f.complete(startWorker());
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            });
        }
        Throwable failure = null;
        InterruptedException interrupted = null;
        for (CompletableFuture<LocalWorker> f : started) {
            try {
                f.get();
            } catch (InterruptedException e) {
                interrupted = interrupted != null ? interrupted : e;
            } catch (ExecutionException e) {
                failure = failure != null ? failure : e.getCause();
            }
        }
        if (interrupted != null) {
            throw interrupted;
        }
        if (failure instanceof PoolException) {
            throw (PoolException) failure;
        }
        if (failure != null) {
            throw new PoolException("cannot start " + poolName + ": " + failure, failure);
        }
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
                        s.connection.send(PoolProtocol.JOB, c.job.id, c.job.payload);
                    }
                    s.connection.send(PoolProtocol.CHUNK, c.job.id, c.bytes);
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
            s.connection.close(); // the worker ends its loop and exits
            replaceLocked();
        }
    }

    @Override
    public void replaceLocked() {
        replaceLocked(0);
    }

    /** Starts a worker if the pool is short of one; retries a failed start a few times, a second apart. */
    private void replaceLocked(final int attempt) {
        if (!book.wantsWorkersLocked() || slots.size() + starting >= processes) {
            return;
        }
        starting++;
        thread("kernel-lib-pool-replace", () -> {
            try {
                startWorker();
            } catch (Throwable e) {
                List<Job> failed = new ArrayList<>();
                if (attempt < 3 && !book.isBroken()) {
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException ignored) {
                        // daemon thread: just go on
                    }
                    synchronized (lock) {
                        if (!slots.isEmpty()) {
                            replaceLocked(attempt + 1);
                            return;
                        }
                    }
                }
                synchronized (lock) {
                    if (slots.isEmpty() && starting == 0 && book.stateLocked() != JobBook.State.TERMINATED) {
                        PoolException ex = e instanceof PoolException ? (PoolException) e
                                : new PoolException(poolName + " could not start a replacement worker: " + e, e);
                        failed.addAll(book.failAllLocked(ex));
                    }
                }
                for (Job j : failed) {
                    j.reportProgress();
                }
            }
        });
    }

    @Override
    public void cancelLocked(final Job job) {
        for (LocalWorker s : slots) {
            if (s.holds(job)) {
                try {
                    s.connection.send(PoolProtocol.CANCEL, job.id, new byte[0]);
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
                    s.connection.send(PoolProtocol.FORGET, job.id, new byte[0]);
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

    private LocalWorker startWorker() throws IOException, InterruptedException {
        String wname = "PoolWorker-" + WORKERS.incrementAndGet();
        ControlServer server = ControlServer.get();
        String token = server.newToken();
        CompletableFuture<ControlServer.Hello> hello = server.expect(token);
        Thread.currentThread().setContextClassLoader(contextLoader);
        WorkerHandle h;
        try {
            h = Launcher.start(starter, PoolWorkerLoop.task(server.path().toString(), token), wname, true, true);
        } catch (IOException | RuntimeException e) {
            server.forget(token);
            startEnded();
            throw e;
        }
        everyWorker.add(h);
        LocalWorker s = null;
        try {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONNECT_TIMEOUT_MS);
            ControlServer.Hello hi = null;
            while (hi == null && h.isAlive() && System.nanoTime() < end) {
                try {
                    hi = hello.get(20, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    // keep waiting while the JVM lives
                } catch (ExecutionException e) {
                    break;
                }
            }
            if (hi == null || hi.pid() != h.pid()) {
                server.forget(token);
                h.kill();
                throw new IOException("pool worker " + wname + " (pid " + h.pid() + ") "
                        + (h.isAlive() ? "did not connect in time" : "ended before connecting")
                        + " (its stderr, if any, is above)");
            }
            s = new LocalWorker(wname, h, hi.connection());
            LocalWorker worker = s;
            thread("kernel-lib-pool-" + wname, () -> reader.readLoop(worker));
            s.initialize(initializer);
            try {
                s.ready.get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof PoolException && s.initFailed) {
                    synchronized (lock) {
                        book.breakLocked((PoolException) cause);
                    }
                }
                if (cause instanceof PoolException) {
                    throw (PoolException) cause;
                }
                throw cause instanceof IOException ? (IOException) cause : new IOException(cause);
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (s != null) {
                s.closing = true;
                s.connection.close();
            }
            h.kill();
            startEnded();
            throw e;
        }
        synchronized (lock) {
            starting--;
            lock.notifyAll();
            if (!book.wantsWorkersLocked() && !book.isBroken()) {
                s.closing = true;
                s.connection.close();
                if (book.stateLocked() == JobBook.State.TERMINATED) {
                    h.kill();
                }
            } else if (s.closing) {
                replaceLocked(); // it died between saying ready and joining
            } else {
                slots.add(s);
                dispatchLocked();
            }
        }
        return s;
    }

    private void startEnded() {
        synchronized (lock) {
            starting--;
            lock.notifyAll();
        }
    }

    /** The connection of {@code s} ended: reap it, fail or requeue what it held, replace it. */
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
        int code = exit.orElse(Integer.MIN_VALUE);
        String frozen = s.killedBecause;
        String how = frozen != null ? frozen : exit.isPresent() ? ExitCode.describe(code) : "lost its connection";
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
                s.connection.close();
            }
        }
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (true) {
                if (kill) {
                    for (WorkerHandle h : everyWorker) {
                        h.kill(); // also the ones still starting, so their start threads end now
                    }
                }
                synchronized (lock) {
                    if (starting == 0 || System.nanoTime() > end) {
                        break;
                    }
                    lock.wait(20);
                }
            }
            for (WorkerHandle h : everyWorker) {
                if (!h.awaitExit(kill ? 1000 : 3000)) {
                    h.kill();
                    h.awaitExit(1000);
                }
            }
        } catch (InterruptedException e) {
            for (WorkerHandle h : everyWorker) {
                h.kill();
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

    /** Every worker JVM ever started, replaced and still starting ones included. */
    List<WorkerHandle> everyWorker() {
        return everyWorker;
    }

    Object lock() {
        return lock;
    }

    /**
     * Kills a frozen worker; its reader then sees the connection end and {@link #workerEnded}
     * fails the calls it held with {@code why} and replaces it.
     */
    void killFrozen(final LocalWorker s, final WorkerHandle h, final String why) {
        if (s != null && s.killedBecause == null) {
            s.killedBecause = why;
        }
        h.kill();
    }

    @Override
    public void awaitEnded() throws InterruptedException {
        while (true) {
            synchronized (lock) {
                if (starting == 0) {
                    break;
                }
                lock.wait(50);
            }
        }
        for (WorkerHandle h : everyWorker) {
            h.awaitExit();
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
        for (WorkerHandle h : everyWorker) {
            r.add(h.pid());
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
