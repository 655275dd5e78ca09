package org.kernellib.mp.pool;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.kernellib.mp.process.CurrentProcess;
import org.kernellib.mp.serial.ObjectCodec;
import org.kernellib.mp.serial.TaskPayload;
import org.kernellib.mp.start.WorkerCommand;

/**
 * A pool's calls and their chunks: which calls are open, which chunks wait for a worker, what came
 * back, the timeline, and the pool's state (running, closed, terminated, broken). It knows
 * nothing of how workers run: that is the {@link WorkerBackend}'s business, which shares
 * {@link #lock}. Every mutable field here is guarded by it; methods named {@code ...Locked} expect
 * the caller to hold it.
 */
final class JobBook {
    enum State { RUN, CLOSED, TERMINATED }

    /** How long the chunks of a call cancelled by an interrupt may run on before their workers are killed. */
    static final long GRACE_MS = 500;
    private static final int TIMELINE_CAP = 200_000;

    final Object lock = new Object();
    private final String poolName;
    private final Instant created;
    private final ClassLoader contextLoader;
    private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
    private final Map<Integer, Job> jobs = new LinkedHashMap<>();
    private final ArrayDeque<TimelineEntry> timeline = new ArrayDeque<>();
    private final AtomicInteger jobIds = new AtomicInteger();
    private State state = State.RUN;
    private volatile PoolException broken;
    private WorkerBackend workers;

    JobBook(final String poolName, final Instant created, final ClassLoader contextLoader) {
        this.poolName = poolName;
        this.created = created;
        this.contextLoader = contextLoader;
    }

    /** Connects the workers that run this book's chunks (once, before the first call). */
    void attach(final WorkerBackend w) {
        this.workers = w;
    }

    String poolName() {
        return poolName;
    }

    // ------------------------------------------------------------------ calls

    /** A function (or initializer) with the notebook state it uses, ready to send to workers. */
    TaskPayload prepare(final java.io.Serializable fn, final String taskName) {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        try {
            return TaskPayload.prepare(fn, taskName, true, CurrentProcess.get().name(),
                    WorkerCommand::userClassPath);
        } catch (IllegalArgumentException e) {
            throw new PoolException("cannot send the function to the workers of " + poolName + ": " + e.getMessage(), e);
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
    }

    /** Opens a call: cuts {@code items} into chunks of {@code chunksize}, queues them, wakes the workers. */
    Job submit(final String label, final java.io.Serializable fn, final List<Object> items, final int chunksize) {
        Objects.requireNonNull(fn, "function");
        checkUsable();
        int id = jobIds.incrementAndGet();
        TaskPayload p = prepare(fn, poolName + "#" + id);
        ClassLoader resultLoader = fn.getClass().getClassLoader();
        if (resultLoader == null) {
            resultLoader = contextLoader;
        }
        int n = items.size();
        int size = Math.max(1, chunksize);
        int count = (n + size - 1) / size;
        Job job = new Job(this, id, label, p.encode(), p.shipper(), resultLoader, n, count);
        for (int c = 0; c < count; c++) {
            int first = c * size;
            int last = Math.min(n, first + size);
            Object[] slice = items.subList(first, last).toArray();
            byte[] bytes;
            try {
                bytes = PoolCodec.encode(slice);
            } catch (IOException | RuntimeException e) {
                throw new PoolException(describeUnserializable(slice, first, e), e);
            }
            ByteArrayOutputStream bos = new ByteArrayOutputStream(bytes.length + 8);
            try (DataOutputStream d = new DataOutputStream(bos)) {
                d.writeInt(c);
                d.writeInt(first);
                d.write(bytes);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            job.chunks[c] = new Chunk(job, c, first, last - first, bos.toByteArray());
        }
        job.progress = CallProgress.create(poolName, label, n);
        synchronized (lock) {
            checkUsable();
            jobs.put(id, job);
            if (count == 0) {
                finishLocked(job, null);
            } else {
                Collections.addAll(queue, job.chunks);
                workers.replaceLocked(); // if earlier starts failed, the pool tries again now rather than wait forever
                workers.dispatchLocked();
            }
        }
        job.reportProgress();
        return job;
    }

    private static String describeUnserializable(final Object[] slice, final int first, final Exception e) {
        for (int i = 0; i < slice.length; i++) {
            try {
                PoolProtocol.serialize(slice[i]);
            } catch (IOException | RuntimeException failure) {
                return ObjectCodec.cannotCopy("pool item #" + (first + i), slice[i], failure).getMessage();
            }
        }
        return "the items cannot be sent to a worker: " + e;
    }

    private void checkUsable() {
        synchronized (lock) {
            if (state != State.RUN) {
                throw new IllegalStateException(poolName + " is " + (state == State.CLOSED ? "closed" : "terminated")
                        + ": it takes no more work");
            }
            if (broken != null) {
                throw broken;
            }
        }
    }

    /** The open call with this id, or null. */
    Job jobLocked(final int id) {
        return jobs.get(id);
    }

    /** The next queued chunk of a call still open, or null. */
    Chunk nextChunkLocked() {
        Chunk c = queue.poll();
        while (c != null && c.job.finished.isDone()) {
            c = queue.poll();
        }
        return c;
    }

    /** Puts back a chunk a worker could not take; it goes first. */
    void requeueLocked(final Chunk c) {
        c.sentAt = 0;
        queue.addFirst(c);
    }

    boolean hasQueuedLocked() {
        return !queue.isEmpty();
    }

    /**
     * A worker finished chunk {@code c}: records it in the timeline (unless {@code skipped}) and
     * its results, or fails the call with {@code error}.
     */
    void chunkEndedLocked(final Chunk c, final String worker, final long pid, final Instant start, final Instant end,
            final boolean skipped, final Object[] results, final PoolException error) {
        if (!skipped) {
            if (timeline.size() >= TIMELINE_CAP) {
                timeline.pollFirst();
            }
            timeline.add(new TimelineEntry(c.job.id, c.job.label, c.index, c.count, worker, pid, start, end,
                    Duration.between(created, start), Duration.between(created, end), error == null));
        }
        Job job = c.job;
        if (job.finished.isDone() || jobs.get(job.id) != job) {
            return;
        }
        if (error != null) {
            failLocked(job, error);
        } else if (results != null) {
            c.results = results;
            c.bytes = null;
            job.doneItems.addAndGet(c.count);
            job.doneChunks++;
            job.arrivals.add(c);
            if (job.doneChunks == job.chunks.length) {
                finishLocked(job, null);
            }
        }
    }

    /**
     * A worker ended holding {@code lost}: with {@code requeue} (the pool killed it on purpose)
     * they go back to the queue; otherwise each call they belong to fails with {@code why}.
     * Returns the calls touched, for progress reports outside the lock.
     */
    List<Job> workerLostLocked(final List<Chunk> lost, final boolean requeue, final Function<Chunk, PoolException> why) {
        List<Job> touched = new ArrayList<>();
        Set<Integer> failed = new HashSet<>();
        for (Chunk c : lost) {
            if (c.job.finished.isDone()) {
                continue;
            }
            touched.add(c.job);
            if (requeue) {
                requeueLocked(c);
            } else if (failed.add(c.job.id)) {
                failLocked(c.job, why.apply(c));
            }
        }
        return touched;
    }

    /** Fails every open call with {@code ex}; returns them, for progress reports outside the lock. */
    List<Job> failAllLocked(final PoolException ex) {
        List<Job> all = new ArrayList<>(jobs.values());
        for (Job j : all) {
            failLocked(j, ex);
        }
        return all;
    }

    void failLocked(final Job job, final PoolException ex) {
        if (job.finished.isDone()) {
            return;
        }
        queue.removeIf(c -> c.job == job);
        workers.cancelLocked(job);
        job.arrivals.add(ex);
        finishLocked(job, ex);
    }

    private void finishLocked(final Job job, final PoolException ex) {
        jobs.remove(job.id);
        workers.forgetLocked(job);
        if (ex == null) {
            job.finished.complete(null);
        } else {
            job.finished.completeExceptionally(ex);
        }
        lock.notifyAll();
    }

    /** Fails a call and, if asked, kills the workers still running its chunks after a grace. */
    void cancel(final Job job, final PoolException ex, final boolean killRunning) {
        synchronized (lock) {
            failLocked(job, ex);
        }
        job.reportProgress();
        if (!killRunning) {
            return;
        }
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MS);
        synchronized (lock) {
            while (workers.runsLocked(job)) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    workers.killRunningLocked(job);
                    return;
                }
                try {
                    lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    end = 0;
                }
            }
        }
    }

    /** The thread waiting for {@code job} was interrupted: cancel the call and report it. */
    void cancelAfterInterrupt(final Job job, final InterruptedException e) {
        cancel(job, new PoolException("pool call #" + job.id + " (" + job.label + ") was cancelled by an interrupt"), true);
        Thread.currentThread().interrupt();
        throw new PoolInterruptedException("interrupted while waiting for pool call #" + job.id + " (" + job.label
                + ") of " + poolName + "; the call was cancelled", e);
    }

    // ------------------------------------------------------------------ the pool's state

    /** Stops taking work; returns the calls still open, which close() waits for. */
    List<Job> close() {
        synchronized (lock) {
            if (state == State.RUN) {
                state = State.CLOSED;
            }
            return new ArrayList<>(jobs.values());
        }
    }

    /** Stops at once: every open call fails; returns them, for progress reports. */
    List<Job> terminate() {
        synchronized (lock) {
            state = State.TERMINATED;
            List<Job> failed = failAllLocked(new PoolException(poolName + " was terminated"));
            queue.clear();
            return failed;
        }
    }

    State stateLocked() {
        return state;
    }

    /** Whether the pool should have its full strength of workers: running or finishing work, not broken. */
    boolean wantsWorkersLocked() {
        return state != State.TERMINATED && broken == null && !(state == State.CLOSED && jobs.isEmpty());
    }

    /** The initializer failed: the pool cannot work, and says so to every later call. */
    void breakLocked(final PoolException why) {
        broken = why;
    }

    boolean isBroken() {
        return broken != null;
    }

    int openCallsLocked() {
        return jobs.size();
    }

    List<TimelineEntry> timeline() {
        synchronized (lock) {
            return List.copyOf(timeline);
        }
    }
}
