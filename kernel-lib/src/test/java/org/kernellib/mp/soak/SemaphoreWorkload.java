package org.kernellib.mp.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.kernellib.mp.process.Process;
import org.kernellib.mp.shared.RawLongValue;
import org.kernellib.mp.shared.sync.Semaphore;

/**
 * Four workers take turns at a semaphore of two permits. A permit held by a killed worker must come
 * back to the next acquirer: otherwise acquires start timing out and, at the end of the round, the
 * parent cannot take both permits back.
 */
final class SemaphoreWorkload extends Workload {
    private static final int PERMITS = 2;
    private static final int WORKERS = 4;
    private static final int TURNS = 300;
    private static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(5);

    private final Semaphore semaphore = Semaphore.create(PERMITS);
    private final RawLongValue timeouts = RawLongValue.create(0);
    private int rounds;
    private int roundsWithPermitsLost;

    @Override
    String name() {
        return "semaphore(2)";
    }

    static void take(final Semaphore s, final RawLongValue timeouts, final RawLongValue overrun) {
        for (int t = 0; t < TURNS; t++) {
            long t0 = System.nanoTime();
            if (!s.tryAcquire(ACQUIRE_TIMEOUT)) {
                recordOverrun(overrun, System.nanoTime() - t0, ACQUIRE_TIMEOUT.toNanos());
                timeouts.incrementAndGet();
                continue;
            }
            try {
                Thread.sleep(1); // long enough for some kills to land while a permit is held
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                s.release();
            }
        }
    }

    @Override
    void round() throws Exception {
        Semaphore s = semaphore;
        RawLongValue to = timeouts;
        RawLongValue o = overrunNanos;
        List<Process> workers = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            workers.add(start("taker" + i, () -> take(s, to, o)));
        }
        for (Process p : workers) {
            joinCounted(p);
        }
        int back = 0;
        for (int i = 0; i < PERMITS; i++) {
            back += s.tryAcquire(ACQUIRE_TIMEOUT) ? 1 : 0;
        }
        for (int i = 0; i < back; i++) {
            s.release();
        }
        roundsWithPermitsLost += back < PERMITS ? 1 : 0;
        rounds++;
    }

    @Override
    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        rows.add(Row.info(name(), "rounds", rounds));
        rows.add(Row.exactly(name(), "acquires that timed out (5 s)", timeouts.get(), 0));
        rows.add(Row.exactly(name(), "rounds that ended with a permit lost", roundsWithPermitsLost, 0));
        rows.addAll(commonRows());
        return rows;
    }

    @Override
    void close() {
        semaphore.unlink();
        timeouts.unlink();
    }
}
