package org.kernellib.mp.start;

import java.io.IOException;

/**
 * Keeps one standby worker JVM started and warmed up (classes loaded, lambda and
 * serialization machinery exercised), so {@code start()} only sends the task: the Java counterpart
 * of Python's forkserver. After a standby is used, a replacement is started in the background.
 * A standby whose command (java, boot class path, flags) differs from the one a task needs is
 * discarded and that task is started cold, as is one that finds no standby ready (back-to-back
 * starts): a cold start now takes less time than a standby's warm-up. Jars added later by
 * {@code %maven} do not make a standby stale: they travel with the task (see
 * {@link WorkerCommand}).
 */
public final class PrestartStarter implements Starter {
    /** How long a standby may take to warm up before it is given up. */
    static final long READY_TIMEOUT_MS = 60_000;

    private WorkerHandle standby;
    private Thread refilling;
    private boolean shutDown;

    @Override
    public String name() {
        return "prestart";
    }

    /** Starts a standby for {@code command} in the background unless one is there or coming. */
    public synchronized void prestart(final WorkerCommand command) {
        if (shutDown || (standby != null && standby.canTake(command)) || refilling != null) {
            return;
        }
        Thread t = new Thread(() -> refill(command), "kernel-lib-prestart");
        t.setDaemon(true);
        refilling = t;
        t.start();
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
        WorkerHandle stale = null;
        synchronized (this) {
            refilling = null;
            if (h != null) {
                if (shutDown) {
                    stale = h;
                } else {
                    stale = standby;
                    standby = h;
                }
            }
            notifyAll();
        }
        if (stale != null) {
            stale.discard();
        }
    }

    @Override
    public WorkerHandle acquire(final WorkerCommand command) throws IOException {
        WorkerHandle taken = null;
        WorkerHandle stale = null;
        synchronized (this) {
            // No waiting for a standby that is still warming up: its warm-up takes longer than a
            // cold worker needs to run a task, so back-to-back starts go cold instead.
            if (standby != null) {
                if (standby.canTake(command)) {
                    taken = standby;
                } else {
                    stale = standby;
                }
                standby = null;
            }
        }
        if (stale != null) {
            stale.discard();
        }
        prestart(command);
        return taken != null ? taken : WorkerHandle.launch(command, false);
    }

    /** Waits until a standby is ready (for benchmarks and tests); false after the timeout. */
    public synchronized boolean awaitStandby(final long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (standby == null) {
            long left = (end - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            wait(Math.min(left, 50));
        }
        return true;
    }

    @Override
    public void shutdown() {
        WorkerHandle h;
        synchronized (this) {
            shutDown = true;
            h = standby;
            standby = null;
        }
        if (h != null) {
            h.discard();
        }
    }
}
