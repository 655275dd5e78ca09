package org.kernellib.mp.soak;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.kernellib.mp.process.Process;
import org.kernellib.mp.shared.RawLongValue;

/**
 * A soak workload: runs rounds of real worker processes against one kind of shared object until a
 * deadline, while the {@link FaultInjector} kills and freezes its workers. Each workload checks
 * its own invariants and reports them as {@link Row}s.
 *
 * <p>Blocking calls made inside workers always carry a timeout; by how much a call overran it is
 * kept in {@link #overrunNanos}, a shared maximum, so the report can say whether any call waited
 * past its deadline.
 */
abstract class Workload {
    /** The longest time, in ns, any call of this workload returned after its deadline. */
    final RawLongValue overrunNanos = RawLongValue.create(0);

    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private int started;
    private int killed;

    abstract String name();

    /** Runs one round: start workers, wait for them (replacing killed ones), check the outcome. */
    abstract void round() throws Exception;

    /** The invariants, after the last round. */
    abstract List<Row> rows();

    /** Whatever must be released after the last round (a pool, say). */
    void close() {
    }

    /** OS pids the injector may signal now. */
    List<Long> victims() {
        List<Long> pids = new ArrayList<>();
        for (Process p : processes) {
            if (p.isAlive()) {
                pids.add(p.pid());
            }
        }
        return pids;
    }

    final void runUntil(final Instant deadline) throws Exception {
        while (Instant.now().isBefore(deadline)) {
            round();
        }
    }

    /** Starts a worker that the injector may signal. */
    final Process start(final String name, final org.kernellib.mp.process.Task task) {
        Process p = new Process(name() + "-" + name, task);
        p.start();
        processes.add(p);
        started++;
        return p;
    }

    /**
     * Waits for a worker and forgets it; true when it ended normally, false when a signal killed
     * it (counted as a death). Any other exit is a failure of the workload's own code.
     */
    final boolean joinCounted(final Process p) {
        p.join();
        processes.remove(p);
        int code = p.exitCode().orElseThrow();
        p.close();
        if (code == 0) {
            return true;
        }
        if (code < 0) {
            killed++;
            return false;
        }
        throw new IllegalStateException(p + " failed with exit code " + code + ": " + p.output());
    }

    final int deaths() {
        return killed;
    }

    /**
     * Rows every workload has: workers started, killed, and the longest overrun. A call made by a
     * worker that was itself frozen overruns by the time it was stopped, so the limit is the longest
     * freeze ({@link FaultInjector#MAX_FREEZE_MS}) plus half a second.
     */
    final List<Row> commonRows() {
        double overrunLimitMs = FaultInjector.MAX_FREEZE_MS + 500;
        List<Row> rows = new ArrayList<>();
        rows.add(Row.info(name(), "worker processes started / killed", started + " / " + killed));
        rows.add(Row.millisAtMost(name(), "longest wait past a deadline", overrunNanos.get() / 1e6,
                overrunLimitMs));
        return rows;
    }

    /** Records that a call meant to last {@code timeoutNanos} took {@code tookNanos}. */
    static void recordOverrun(final RawLongValue max, final long tookNanos, final long timeoutNanos) {
        long over = tookNanos - timeoutNanos;
        long cur = max.get();
        while (over > cur && !max.compareAndSet(cur, over)) {
            cur = max.get();
        }
    }
}
