package org.kernellib.mp.pool;

import java.io.IOException;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.kernellib.mp.start.Launcher;
import org.kernellib.mp.start.Starter;
import org.kernellib.mp.start.WorkerHandle;

/**
 * How a pool's worker JVMs come to be: all of them at once when the pool starts, then one at a
 * time to replace a worker that ended or retired (a failed replacement is retried a few times).
 * Each start goes through the {@link Launcher}, like any process's, and lasts until the worker's
 * loop said HELLO, or with an initializer until it answered the INIT that waits in its pipe behind
 * its task; the worker then joins {@link LocalWorkers}, which hands it chunks.
 */
final class LocalWorkerStarts {
    /**
     * How long a worker without initializer may take from launch to ready (a loaded machine). An
     * initializer may take as long as it needs, as in Python.
     */
    private static final long READY_TIMEOUT_MS = 60_000;
    private static final AtomicInteger WORKERS = new AtomicInteger();

    private final LocalWorkers workers;
    private final JobBook book;
    private final Object lock;
    private final int processes;
    private final ClassLoader contextLoader;
    private final byte[] initializer;
    /** Where this pool's worker JVMs come from: this JVM's start method, or a context's. */
    private final Starter starter;
    /** The pool's runtime directory, where workers put large results (see {@link BulkPayloads}). */
    private final String bulkDirectory = BulkPayloads.directory();
    /** Workers being started now; guarded by the lock. */
    private int starting;

    LocalWorkerStarts(final LocalWorkers workers, final JobBook book, final int processes,
            final ClassLoader contextLoader, final byte[] initializer, final Starter starter) {
        this.workers = workers;
        this.book = book;
        this.lock = book.lock;
        this.processes = processes;
        this.contextLoader = contextLoader;
        this.initializer = initializer;
        this.starter = starter;
    }

    /** Starts every worker in parallel; returns when each is ready (has run the initializer). */
    void startAll() throws InterruptedException {
        List<CompletableFuture<LocalWorker>> started = new ArrayList<>();
        synchronized (lock) {
            starting += processes;
        }
        for (int i = 0; i < processes; i++) {
            CompletableFuture<LocalWorker> f = new CompletableFuture<>();
            started.add(f);
            LocalWorkers.thread("kernel-lib-pool-start", () -> {
                try {
                    f.complete(startOne());
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
            throw new PoolException("cannot start " + book.poolName() + ": " + failure, failure);
        }
    }

    /** Starts a worker if the pool is short of one; call with the lock held. */
    void replaceLocked() {
        replaceLocked(0);
    }

    /** The same, the {@code attempt}-th time: a failed start is retried a few times, a second apart. */
    private void replaceLocked(final int attempt) {
        if (!book.wantsWorkersLocked() || workers.runningLocked().size() + starting >= processes) {
            return;
        }
        starting++;
        LocalWorkers.thread("kernel-lib-pool-replace", () -> {
            try {
                startOne();
            } catch (Throwable e) {
                List<Job> failed = new ArrayList<>();
                if (attempt < 3 && !book.isBroken()) {
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException ignored) {
                        // daemon thread: just go on
                    }
                    synchronized (lock) {
                        if (!workers.runningLocked().isEmpty()) {
                            replaceLocked(attempt + 1);
                            return;
                        }
                    }
                }
                synchronized (lock) {
                    if (workers.runningLocked().isEmpty() && starting == 0
                            && book.stateLocked() != JobBook.State.TERMINATED) {
                        PoolException ex = e instanceof PoolException ? (PoolException) e
                                : new PoolException(book.poolName() + " could not start a replacement worker: " + e, e);
                        failed.addAll(book.failAllLocked(ex));
                    }
                }
                for (Job j : failed) {
                    j.reportProgress();
                }
            }
        });
    }

    /** Whether a start is under way; call with the lock held. */
    boolean anyLocked() {
        return starting > 0;
    }

    /**
     * Starts one worker (counted in {@link #starting} by the caller) and waits until it is ready.
     * Its task is sent first and any INIT right behind it, so a cold JVM finds both in its pipe.
     */
    private LocalWorker startOne() throws IOException, InterruptedException {
        String wname = "PoolWorker-" + WORKERS.incrementAndGet();
        Thread.currentThread().setContextClassLoader(contextLoader);
        WorkerHandle h;
        try {
            h = Launcher.start(starter, PoolWorkerLoop.task(bulkDirectory), wname, true);
        } catch (IOException | RuntimeException e) {
            ended();
            throw e;
        }
        LocalWorker s = new LocalWorker(wname, h, Paths.get(bulkDirectory), initializer.length > 0);
        workers.launched(s);
        try {
            s.initialize(initializer);
            awaitReady(s);
        } catch (IOException | RuntimeException | InterruptedException e) {
            s.closing = true;
            h.kill();
            ended();
            throw e;
        }
        synchronized (lock) {
            starting--;
            lock.notifyAll();
            workers.readyLocked(s);
        }
        return s;
    }

    /** Waits until it is ready (see initialize); a worker that ends first completes it with how it ended. */
    private void awaitReady(final LocalWorker s) throws IOException, InterruptedException {
        try {
            if (initializer.length == 0) {
                s.ready.get(READY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } else {
                s.ready.get();
            }
        } catch (TimeoutException e) {
            throw new IOException("pool worker " + s.name + " (pid " + s.pid + ") was not ready within "
                    + READY_TIMEOUT_MS / 1000 + " s (its stderr, if any, is above)");
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
    }

    private void ended() {
        synchronized (lock) {
            starting--;
            lock.notifyAll();
        }
    }
}
