package org.kernellib.mp.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.kernellib.mp.process.Process;
import org.kernellib.mp.shared.RawLongArray;
import org.kernellib.mp.shared.sync.Barrier;
import org.kernellib.mp.shared.sync.BrokenBarrierException;

/**
 * Three parties meet at a barrier again and again. When the injector kills one, the others must
 * learn at once that the barrier is broken (not after their 5 s timeout): the report keeps the
 * longest time from a kill to the last survivor's release, which must stay under half that timeout
 * (not counting the time the injector kept that survivor frozen: a frozen process notices nothing).
 */
final class BarrierWorkload extends Workload {
    private static final int PARTIES = 3;
    private static final int MEETINGS = 200;
    private static final Duration AWAIT_TIMEOUT = Duration.ofSeconds(5);

    private final Map<Long, Long> killedAt;
    private final Freezes freezes;
    private int rounds;
    private int roundsBrokenByDeath;
    private int roundsBrokenOtherwise;
    private long slowestBreakNanos;

    BarrierWorkload(final Map<Long, Long> killedAt, final Freezes freezes) {
        this.killedAt = killedAt;
        this.freezes = freezes;
    }

    @Override
    String name() {
        return "barrier(3)";
    }

    /**
     * Meets the others until done or broken; a broken barrier stamps when this party learned it.
     * Slot {@code PARTIES + i} says the party had its task (and so the barrier) when it died: a
     * worker killed while its JVM boots never became a party, and no barrier can know of it.
     */
    static void meet(final Barrier b, final RawLongArray releasedAt, final int i) {
        releasedAt.set(PARTIES + i, 1);
        try {
            for (int m = 0; m < MEETINGS; m++) {
                b.await(AWAIT_TIMEOUT);
            }
        } catch (BrokenBarrierException e) {
            releasedAt.set(i, System.nanoTime());
        }
    }

    @Override
    void round() throws Exception {
        Barrier b = Barrier.create(PARTIES);
        RawLongArray releasedAt = RawLongArray.create(2 * PARTIES);
        List<Process> parties = new ArrayList<>();
        for (int i = 0; i < PARTIES; i++) {
            int party = i;
            parties.add(start("party" + i, () -> meet(b, releasedAt, party)));
        }
        long firstKill = 0;
        boolean died = false;
        long[] pids = parties.stream().mapToLong(Process::pid).toArray(); // before joinCounted closes them
        for (int i = 0; i < PARTIES; i++) {
            Process p = parties.get(i);
            long pid = p.pid();
            if (!joinCounted(p) && releasedAt.get(PARTIES + i) == 1) {
                Long at = killedAt.get(pid);
                if (at != null && (!died || at - firstKill < 0)) {
                    firstKill = at;
                }
                died = true;
            }
        }
        rounds++;
        if (died) {
            roundsBrokenByDeath++;
            for (int i = 0; i < PARTIES; i++) {
                long at = releasedAt.get(i);
                if (at != 0 && firstKill != 0) {
                    // A survivor the injector froze meanwhile could not notice the death until it ran again.
                    long frozen = freezes.frozenNanos(pids[i], firstKill, at);
                    slowestBreakNanos = Math.max(slowestBreakNanos, at - firstKill - frozen);
                }
            }
        } else if (b.isBroken()) {
            roundsBrokenOtherwise++;
        }
        b.unlink();
        releasedAt.unlink();
    }

    @Override
    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        rows.add(Row.info(name(), "rounds / broken by a kill", rounds + " / " + roundsBrokenByDeath));
        // Half the parties' own timeout: a barrier that waits for the timeout fails this by far,
        // while a survivor that was itself frozen when the other died (it learns late by its
        // freeze, up to 1.5 s) or a loaded machine's scheduling does not.
        rows.add(Row.millisAtMost(name(), "longest time from a kill to the others' release",
                slowestBreakNanos / 1e6, AWAIT_TIMEOUT.toMillis() / 2.0));
        rows.add(Row.info(name(), "rounds broken by the 5 s timeout (a party killed as it booted)",
                roundsBrokenOtherwise));
        rows.addAll(commonRows());
        return rows;
    }
}
