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
    private static final Duration ROUND_LIMIT = Duration.ofSeconds(60);

    private final IntValue counter = IntValue.create(0);
    private long expected;
    private long counted;
    private long drift;
    private long lockTimeouts;
    private long stalledRounds;
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
        for (int i = 0; i < WORKERS; i++) {
            workers[i] = startWorker(done, i);
        }
        long limit = System.nanoTime() + ROUND_LIMIT.toNanos();
        boolean running = true;
        while (running) {
            running = false;
            for (int i = 0; i < WORKERS; i++) {
                if (workers[i] == null) {
                    continue;
                }
                if (!workers[i].isAlive()) {
                    Process p = workers[i];
                    p.join();
                    if (p.exitCode().orElse(0) == 3) {
                        lockTimeouts++;
                    }
                    workers[i] = joinKilledOrDone(p) || done.get(i) >= ADDS_PER_WORKER ? null : startWorker(done, i);
                }
                running |= workers[i] != null;
            }
            if (running && System.nanoTime() - limit > 0) {
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
        long sum = 0;
        for (int i = 0; i < WORKERS; i++) {
            sum += done.get(i);
        }
        expected += sum;
        counted += counter.get() - before;
        drift += Math.abs(counter.get() - before - sum);
        rounds++;
        done.unlink();
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
        rows.add(Row.exactly(name(), "rounds stalled (60 s)", stalledRounds, 0));
        rows.addAll(commonRows());
        return rows;
    }

    @Override
    void close() {
        counter.unlink();
    }
}
