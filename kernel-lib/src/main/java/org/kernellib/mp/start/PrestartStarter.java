package org.kernellib.mp.start;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Keeps standby worker JVMs started and warmed up (classes loaded, lambda and serialization
 * machinery exercised), so {@code start()} only sends the task: the Java counterpart of Python's
 * forkserver. It keeps one standby, or as many as asked for by {@link #keep} (a pool of n workers
 * asks for n, so the next pool starts warm too), or, when processes are started back to back
 * faster than standbys warm up, one more per start that found none, up to {@link #BURST_CAP};
 * each one used is replaced in the background.
 *
 * <p>A standby whose command (java, boot class path, flags) differs from the one a task needs is
 * discarded and that task is started cold, as is one that finds no standby ready (back-to-back
 * starts): a cold start takes less time than a standby's warm-up. Jars added later by
 * {@code %maven} do not make a standby stale: they travel with the task (see
 * {@link WorkerCommand}). Standbys are ordinary workers waiting for a task, so they too end with
 * this JVM.
 */
public final class PrestartStarter implements Starter {
    /** How long a standby may take to warm up before it is given up. */
    static final long READY_TIMEOUT_MS = 60_000;
    /**
     * How many standbys back-to-back starts may make it keep: one more each time a start finds
     * none ready, up to this. Each standby is an idle JVM of ~40 MiB, so not more than the cores.
     */
    static final int BURST_CAP = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));

    private final Deque<WorkerHandle> standbys = new ArrayDeque<>();
    private int wanted = 1;
    private int coming;
    private boolean shutDown;

    @Override
    public String name() {
        return "prestart";
    }

    /** Starts standbys for {@code command} in the background until there are as many as wanted. */
    public synchronized void prestart(final WorkerCommand command) {
        if (shutDown) {
            return;
        }
        int missing = wanted - standbys.size() - coming;
        for (int i = 0; i < missing; i++) {
            coming++;
            Thread t = new Thread(new Runnable() {
                @Override
                public void run() {
                    refill(command);
                }
            }, "kernel-lib-prestart");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Keeps {@code n} standbys (at least one) for {@code command} from now on. */
    @Override
    public synchronized void keep(final WorkerCommand command, final int n) {
        wanted = Math.max(1, n);
        prestart(command);
    }

    private void refill(final WorkerCommand command) {
        WorkerHandle h = null;
        try {
            h = WorkerHandle.launchStandby(command, READY_TIMEOUT_MS);
        } catch (IOException | RuntimeException e) {
            // The next start() falls back to a cold start and reports any real problem itself.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean unwanted;
        synchronized (this) {
            coming--;
            unwanted = h != null && (shutDown || standbys.size() >= wanted);
            if (h != null && !unwanted) {
                standbys.add(h);
            }
            notifyAll();
        }
        if (unwanted) {
            h.discard();
        }
    }

    @Override
    public WorkerHandle acquire(final WorkerCommand command) throws IOException {
        WorkerHandle taken = null;
        List<WorkerHandle> stale = new java.util.ArrayList<>();
        synchronized (this) {
            // No waiting for a standby that is still warming up: its warm-up takes longer than a
            // cold worker needs to run a task, so back-to-back starts go cold instead.
            while (taken == null && !standbys.isEmpty()) {
                WorkerHandle h = standbys.poll();
                if (h.canTake(command)) {
                    taken = h;
                } else {
                    stale.add(h);
                }
            }
        }
        for (WorkerHandle h : stale) {
            h.discard();
        }
        if (taken == null) {
            synchronized (this) {
                // Started back to back: keep one more standby next time (a pool's wish may be more).
                wanted = Math.max(wanted, Math.min(BURST_CAP, wanted + 1));
            }
        }
        prestart(command);
        return taken != null ? taken : WorkerHandle.launch(command, false);
    }

    /** Waits until a standby is ready (for benchmarks and tests); false after the timeout. */
    public synchronized boolean awaitStandby(final long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (standbys.isEmpty()) {
            long left = (end - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            wait(Math.min(left, 50));
        }
        return true;
    }

    @Override
    public synchronized boolean awaitKept(final long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (coming > 0) {
            long left = (end - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            wait(Math.min(left, 50));
        }
        return true;
    }

    /** The pids of the standbys ready now (for tests). */
    public synchronized List<Long> standbyPids() {
        return standbys.stream().map(WorkerHandle::pid).toList();
    }

    @Override
    public void shutdown() {
        WorkerHandle[] all;
        synchronized (this) {
            shutDown = true;
            all = standbys.toArray(new WorkerHandle[0]);
            standbys.clear();
        }
        for (WorkerHandle h : all) {
            h.discard();
        }
    }
}
