package org.kernellib.mp.pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.kernellib.mp.start.WorkerHandle;

/**
 * Looks at a pool's worker JVMs a few times a second and kills a frozen one, so no call waits on
 * it for ever: one that is stopped (SIGSTOP, a debugger: see {@link WorkerHandle#isStopped}) for
 * longer than {@link #STOPPED_LIMIT_MS}, and, when the pool has a task timeout, one that has run
 * the same chunk for longer than that. The pool then fails the calls the worker held, naming it,
 * its pid and why, and replaces it (see {@link LocalWorkers#workerEnded}). A worker that is merely
 * slow, running or sleeping, is left alone unless a task timeout says otherwise.
 *
 * <p>Why a limit for stopped workers rather than killing at first sight: a stop followed soon by
 * SIGCONT (a shell's Ctrl-Z and {@code fg}, a debugger stepping) should not cost the work.
 */
final class WorkerWatch implements Runnable {
    /** How often the workers are looked at. */
    static final long INTERVAL_MS = 200;
    /** How long a worker may stay stopped before it is taken for frozen. */
    static final long STOPPED_LIMIT_MS = 1000;

    private final LocalWorkers workers;
    private final long timeoutNanos;
    /** When each worker was first seen stopped (System.nanoTime), by pid; only this thread uses it. */
    private final Map<Long, Long> stoppedSince = new HashMap<>();
    private volatile boolean ended;

    /** @param taskTimeout the pool's task timeout, null for none */
    WorkerWatch(final LocalWorkers workers, final Duration taskTimeout) {
        this.workers = workers;
        this.timeoutNanos = taskTimeout == null ? 0 : taskTimeout.toNanos();
    }

    void start(final String poolName) {
        Thread t = new Thread(this, "kernel-lib-pool-watch-" + poolName);
        t.setDaemon(true);
        t.start();
    }

    /** Stops watching (the pool stopped its workers). */
    void end() {
        ended = true;
    }

    @Override
    public void run() {
        while (!ended) {
            try {
                Thread.sleep(INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            }
            lookOnce(System.nanoTime());
        }
    }

    /**
     * Stopped workers first, and without the pool's lock: a thread that holds it may be blocked
     * writing to a stopped worker's full stdin pipe until that worker is killed.
     */
    private void lookOnce(final long now) {
        Map<Long, Long> seen = new HashMap<>();
        for (LocalWorker s : workers.everyWorker()) {
            WorkerHandle h = s.handle;
            if (!h.isStopped()) {
                continue;
            }
            long since = stoppedSince.getOrDefault(h.pid(), now);
            seen.put(h.pid(), since);
            if (now - since >= STOPPED_LIMIT_MS * 1_000_000L) {
                workers.killFrozen(s, "was stopped (process state T: SIGSTOP, or a debugger) for "
                        + "longer than " + STOPPED_LIMIT_MS + " ms, so the pool killed it");
                seen.remove(h.pid());
            }
        }
        stoppedSince.clear();
        stoppedSince.putAll(seen);
        if (timeoutNanos > 0) {
            for (Overdue o : overdue(now)) {
                workers.killFrozen(o.worker(), "ran chunk " + o.chunk().index + " of pool call #"
                        + o.chunk().job.id + " (" + o.chunk().job.label + ") for longer than the pool's task timeout of "
                        + millis(timeoutNanos) + ", so the pool killed it");
            }
        }
    }

    /** A chunk that has run longer than the task timeout, with the worker running it. */
    private record Overdue(LocalWorker worker, Chunk chunk) {
    }

    private List<Overdue> overdue(final long now) {
        List<Overdue> r = new ArrayList<>();
        synchronized (workers.lock()) {
            for (LocalWorker s : workers.runningLocked()) {
                for (Chunk c : s.inflight) {
                    if (c.sentAt != 0 && now - c.sentAt > timeoutNanos && s.killedBecause == null) {
                        r.add(new Overdue(s, c));
                        break;
                    }
                }
            }
        }
        return r;
    }

    private static String millis(final long nanos) {
        return Duration.ofNanos(nanos).toMillis() + " ms";
    }
}
