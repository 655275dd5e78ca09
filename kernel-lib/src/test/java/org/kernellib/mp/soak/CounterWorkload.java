package org.kernellib.mp.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.kernellib.mp.process.Process;
import org.kernellib.mp.shared.IntValue;
import org.kernellib.mp.shared.RawIntArray;
import org.kernellib.mp.shared.RawLongValue;
import org.kernellib.mp.shared.sync.SemLock;

/**
 * Three workers add to one counter under its lock, each also counting its own additions inside the
 * same critical section. Killed workers are replaced and finish their share. The lock must be
 * handed on after every death (or the round stalls); the counter may differ from the sum of the
 * workers' own counts only by the kills that landed between the two stores: at most one per death.
 */
final class CounterWorkload extends Workload {
    private static final int WORKERS = 3;
    private static final int ADDS_PER_WORKER = 5_000;
    private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(10);
    /**
     * A round is stalled when for this long no worker added anything and none was restarted. Not a
     * limit on the whole round, as it first was: near its end a round often has one worker left,
     * and then every fault the injector gives this workload lands on that worker; on two loaded
     * cores (the soak at {@code nice -n 10}) a new worker JVM takes seconds to reach its first
     * addition, and can be killed before it makes one (see the row of such kills). A 4-minute run
     * of this workload and the semaphore's beside a CPU hog had a round of 18 s with 16 s without
     * an addition and no lock wait timed out: the round ran long with a lock that works. A lock
     * that is never handed on is still caught: its waiters time out after {@link #LOCK_TIMEOUT} (a
     * row of its own, which must be 0).
     */
    private static final Duration STALL_LIMIT = Duration.ofSeconds(60);

    private final IntValue counter = IntValue.create(0);
    private long expected;
    private long counted;
    private long drift;
    private long lockTimeouts;
    private long stalledRounds;
    private long killedBeforeFirstAddition;
    private long longestRoundNanos;
    private long longestWithoutAdditionNanos;
    private int rounds;

    @Override
    String name() {
        return "lock counter";
    }

    static void add(final IntValue v, final RawIntArray done, final int i, final RawLongValue overrun) {
        SemLock lock = v.getLock();
        while (done.get(i) < ADDS_PER_WORKER) {
            long t0 = System.nanoTime();
            if (!lock.tryAcquire(LOCK_TIMEOUT)) {
                recordOverrun(overrun, System.nanoTime() - t0, LOCK_TIMEOUT.toNanos());
                System.exit(3);
            }
            try {
                v.set(v.get() + 1);
                done.incrementAndGet(i);
            } finally {
                lock.release();
            }
        }
    }

    @Override
    void round() throws Exception {
        RawIntArray done = RawIntArray.create(WORKERS + 1);
        int before = counter.get();
        Process[] workers = new Process[WORKERS];
        int[] doneAtStart = new int[WORKERS];
        for (int i = 0; i < WORKERS; i++) {
            workers[i] = startWorker(done, i);
        }
        final long roundStart = System.nanoTime();
        long lastProgress = roundStart;
        long lastSum = 0;
        boolean running = true;
        while (running) {
            long sum = sumOf(done);
            if (sum != lastSum) {
                lastSum = sum;
                longestWithoutAdditionNanos = Math.max(longestWithoutAdditionNanos, System.nanoTime() - lastProgress);
                lastProgress = System.nanoTime();
            }
            running = false;
            for (int i = 0; i < WORKERS; i++) {
                if (workers[i] == null) {
                    continue;
                }
                if (!workers[i].isAlive()) {
                    Process p = workers[i];
                    p.join();
                    boolean timedOut = p.exitCode().orElse(0) == 3;
                    lockTimeouts += timedOut ? 1 : 0;
                    boolean ended = joinKilledOrDone(p);
                    if (!ended && !timedOut && done.get(i) == doneAtStart[i]) {
                        killedBeforeFirstAddition++;
                    }
                    if (ended || done.get(i) >= ADDS_PER_WORKER) {
                        workers[i] = null;
                    } else {
                        // A restart counts as progress: see STALL_LIMIT.
                        doneAtStart[i] = done.get(i);
                        workers[i] = startWorker(done, i);
                        longestWithoutAdditionNanos = Math.max(longestWithoutAdditionNanos, System.nanoTime() - lastProgress);
                        lastProgress = System.nanoTime();
                    }
                }
                running |= workers[i] != null;
            }
            if (running && System.nanoTime() - lastProgress > STALL_LIMIT.toNanos()) {
                stalledRounds++;
                for (Process p : workers) {
                    if (p != null) {
                        p.kill();
                        joinKilledOrDone(p);
                    }
                }
                break;
            }
            Thread.sleep(10);
        }
        long sum = sumOf(done);
        longestRoundNanos = Math.max(longestRoundNanos, System.nanoTime() - roundStart);
        expected += sum;
        counted += counter.get() - before;
        drift += Math.abs(counter.get() - before - sum);
        rounds++;
        done.unlink();
    }

    private static long sumOf(final RawIntArray done) {
        long sum = 0;
        for (int i = 0; i < WORKERS; i++) {
            sum += done.get(i);
        }
        return sum;
    }

    /** True when the worker ended normally; a timed-out worker (exit 3) is replaced like a dead one. */
    private boolean joinKilledOrDone(final Process p) {
        if (p.exitCode().orElse(0) == 3) {
            p.close();
            return false;
        }
        return joinCounted(p);
    }

    private Process startWorker(final RawIntArray done, final int i) {
        IntValue v = counter;
        RawLongValue o = overrunNanos;
        return start("adder" + i, () -> add(v, done, i, o));
    }

    @Override
    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        rows.add(Row.info(name(), "rounds", rounds));
        rows.add(Row.info(name(), "additions counted by the workers / on the counter", expected + " / " + counted));
        rows.add(Row.atMost(name(), "counter minus the workers' counts", drift, deaths()));
        rows.add(Row.exactly(name(), "lock waits that timed out (10 s)", lockTimeouts, 0));
        rows.add(Row.info(name(), "workers killed before their first addition", killedBeforeFirstAddition));
        rows.add(Row.info(name(), "longest round / longest time without an addition or restart", String.format(
                java.util.Locale.ROOT, "%.1f s / %.1f s", longestRoundNanos / 1e9, longestWithoutAdditionNanos / 1e9)));
        rows.add(Row.exactly(name(), "rounds stalled (no addition for 60 s)", stalledRounds, 0));
        rows.addAll(commonRows());
        return rows;
    }

    @Override
    void close() {
        counter.unlink();
    }
}
