package org.kernellib.mp.pool;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.kernellib.mp.start.Starters;
import org.kernellib.mp.start.WorkerCommand;
import org.kernellib.mp.start.WorkerHandle;

/**
 * Spare worker JVMs for the next pool, kept only while the start method is {@code prestart}: the
 * prestart starter keeps one standby, which makes one {@code Process} start fast but leaves the
 * other workers of a pool to start cold. Spares are ordinary started workers waiting for their
 * task (so they too end with this JVM); a pool takes them before asking the starter.
 */
final class PoolSpares {
    private record Spare(WorkerHandle handle, WorkerCommand command) {
    }

    /** How long a spare may take to warm up before it is given up. */
    private static final long SPARE_READY_TIMEOUT_MS = 60_000;
    private static final Deque<Spare> SPARES = new ArrayDeque<>();
    private static int coming;

    private PoolSpares() {
    }

    /** A spare that can run {@code command}'s tasks, or null. */
    static WorkerHandle take(final WorkerCommand command) {
        while (true) {
            Spare s;
            synchronized (PoolSpares.class) {
                s = SPARES.poll();
            }
            if (s == null) {
                return null;
            }
            if (usable(s, command)) {
                return s.handle();
            }
            s.handle().discard();
        }
    }

    private static boolean usable(final Spare s, final WorkerCommand wanted) {
        List<String> had = s.command().userClassPath();
        List<String> wants = wanted.userClassPath();
        return s.handle().isAlive() && s.command().equals(wanted) && wants.size() >= had.size()
                && wants.subList(0, had.size()).equals(had);
    }

    /** In the background, brings the spares up to {@code n} if the start method is prestart; else drops them. */
    static void refill(final WorkerCommand command, final int n) {
        if (!"prestart".equals(Starters.current().name())) {
            discardAll();
            return;
        }
        int missing;
        synchronized (PoolSpares.class) {
            missing = n - SPARES.size() - coming;
            coming += Math.max(0, missing);
        }
        for (int i = 0; i < missing; i++) {
            Thread t = new Thread(() -> {
                WorkerHandle h = null;
                try {
                    h = WorkerHandle.launchStandby(command, SPARE_READY_TIMEOUT_MS);
                } catch (IOException | RuntimeException e) {
                    // no spare then: the next pool starts that worker itself and reports any problem
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                synchronized (PoolSpares.class) {
                    coming--;
                    if (h != null) {
                        SPARES.add(new Spare(h, command));
                    }
                    PoolSpares.class.notifyAll();
                }
            }, "kernel-lib-pool-spare");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Waits until no spare is being started (for benchmarks and tests); false after the timeout. */
    static synchronized boolean await(final long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (coming > 0) {
            long left = (end - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            PoolSpares.class.wait(Math.min(left, 50));
        }
        return true;
    }

    static List<Long> pids() {
        synchronized (PoolSpares.class) {
            return SPARES.stream().map(s -> s.handle().pid()).toList();
        }
    }

    static int count() {
        synchronized (PoolSpares.class) {
            return SPARES.size();
        }
    }

    static void discardAll() {
        Spare[] all;
        synchronized (PoolSpares.class) {
            all = SPARES.toArray(new Spare[0]);
            SPARES.clear();
        }
        for (Spare s : all) {
            s.handle().discard();
        }
    }
}
