package org.kernellib.mp.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.kernellib.mp.process.Process;
import org.kernellib.mp.shared.RawIntArray;
import org.kernellib.mp.shared.RawLongArray;
import org.kernellib.mp.shared.RawLongValue;
import org.kernellib.mp.shared.queue.EmptyException;
import org.kernellib.mp.shared.queue.Queue;

/**
 * Two producers and two consumers on one long-lived queue, items numbered so the parent can tell
 * lost and duplicated items apart. A producer acknowledges each item in shared memory after its
 * {@code put} returned; a killed producer's replacement skips the one item whose fate the kill made
 * uncertain (sent or not), so every other item below the acknowledgement must arrive exactly once.
 * A consumer killed between {@code get} and recording the item loses that item: at most one per
 * death is the documented limit.
 */
final class QueueWorkload extends Workload {
    private static final int PRODUCERS = 2;
    private static final int CONSUMERS = 2;
    private static final int ITEMS_PER_PRODUCER = 3_000;
    private static final Duration GET_TIMEOUT = Duration.ofMillis(200);
    private static final Duration ROUND_LIMIT = Duration.ofSeconds(60);

    private final Queue<Long> queue = Queue.create();
    private long base;
    private long sent;
    private long received;
    private long lost;
    private long duplicated;
    private long uncertain;
    private long stalledRounds;
    /** The largest {@code qsize()} after a drained round: kills at any instruction must leave it exact (0). */
    private long leftInQueue;
    private int rounds;

    @Override
    String name() {
        return "queue 2x2";
    }

    static void produce(final Queue<Long> q, final RawLongArray acked, final int p, final long base,
            final RawLongValue overrun) {
        for (long s = acked.get(p); s < ITEMS_PER_PRODUCER; s = acked.get(p)) {
            long t0 = System.nanoTime();
            q.put(base + (long) p * ITEMS_PER_PRODUCER + s, Duration.ofSeconds(10));
            recordOverrun(overrun, System.nanoTime() - t0, Duration.ofSeconds(10).toNanos());
            acked.set(p, s + 1);
        }
    }

    static void consume(final Queue<Long> q, final RawIntArray seen, final RawLongValue stop, final long base,
            final RawLongValue overrun) {
        int strays = seen.length() - 1;
        while (true) {
            long t0 = System.nanoTime();
            try {
                long id = q.get(GET_TIMEOUT) - base;
                seen.incrementAndGet(id >= 0 && id < strays ? (int) id : strays);
            } catch (EmptyException e) {
                recordOverrun(overrun, System.nanoTime() - t0, GET_TIMEOUT.toNanos());
                if (stop.get() == 1) {
                    return;
                }
            }
        }
    }

    @Override
    void round() throws Exception {
        int items = PRODUCERS * ITEMS_PER_PRODUCER;
        RawLongArray acked = RawLongArray.create(PRODUCERS);
        RawIntArray seen = RawIntArray.create(items + 1);
        RawLongValue stop = RawLongValue.create(0);
        Set<Long> unsure = new HashSet<>();
        long b = base;
        Process[] producers = new Process[PRODUCERS];
        Process[] consumers = new Process[CONSUMERS];
        for (int p = 0; p < PRODUCERS; p++) {
            producers[p] = startProducer(acked, p, b);
        }
        for (int c = 0; c < CONSUMERS; c++) {
            consumers[c] = startConsumer(seen, stop, b, c);
        }
        long limit = System.nanoTime() + ROUND_LIMIT.toNanos();
        boolean stalled = false;
        while (true) {
            boolean producing = false;
            for (int p = 0; p < PRODUCERS; p++) {
                if (producers[p] == null || producers[p].isAlive()) {
                    producing |= producers[p] != null;
                    continue;
                }
                if (!joinCounted(producers[p])) {
                    long s = acked.get(p);
                    if (s < ITEMS_PER_PRODUCER) {
                        unsure.add((long) p * ITEMS_PER_PRODUCER + s);
                        acked.set(p, s + 1);
                    }
                }
                producers[p] = acked.get(p) < ITEMS_PER_PRODUCER ? startProducer(acked, p, b) : null;
                producing |= producers[p] != null;
            }
            if (!producing) {
                stop.set(1);
            }
            boolean consuming = false;
            for (int c = 0; c < CONSUMERS; c++) {
                if (consumers[c] == null || consumers[c].isAlive()) {
                    consuming |= consumers[c] != null;
                    continue;
                }
                boolean normal = joinCounted(consumers[c]);
                consumers[c] = normal ? null : startConsumer(seen, stop, b, c);
                consuming |= consumers[c] != null;
            }
            if (!producing && !consuming) {
                break;
            }
            if (System.nanoTime() - limit > 0) {
                stalled = true;
                stopAll(producers, consumers);
                break;
            }
            Thread.sleep(10);
        }
        rounds++;
        stalledRounds += stalled ? 1 : 0;
        leftInQueue = Math.max(leftInQueue, stalled ? 0 : queue.qsize());
        tally(acked, seen, unsure);
        base += items + 1;
        acked.unlink();
        seen.unlink();
        stop.unlink();
    }

    private Process startProducer(final RawLongArray acked, final int p, final long b) {
        Queue<Long> q = queue;
        RawLongValue o = overrunNanos;
        return start("producer" + p, () -> produce(q, acked, p, b, o));
    }

    private Process startConsumer(final RawIntArray seen, final RawLongValue stop, final long b, final int c) {
        Queue<Long> q = queue;
        RawLongValue o = overrunNanos;
        return start("consumer" + c, () -> consume(q, seen, stop, b, o));
    }

    private void stopAll(final Process[]... groups) {
        for (Process[] group : groups) {
            for (Process p : group) {
                if (p != null) {
                    p.kill();
                    joinCounted(p);
                }
            }
        }
    }

    private void tally(final RawLongArray acked, final RawIntArray seen, final Set<Long> unsure) {
        for (int p = 0; p < PRODUCERS; p++) {
            long ack = acked.get(p);
            for (long s = 0; s < ITEMS_PER_PRODUCER; s++) {
                long id = (long) p * ITEMS_PER_PRODUCER + s;
                int n = seen.get((int) id);
                received += n;
                duplicated += Math.max(0, n - 1);
                if (unsure.contains(id)) {
                    uncertain++;
                } else if (s < ack) {
                    sent++;
                    lost += n == 0 ? 1 : 0;
                }
            }
        }
        received += seen.get(seen.length() - 1);
        duplicated += seen.get(seen.length() - 1); // an item from another round: it arrived twice
    }

    @Override
    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        rows.add(Row.info(name(), "rounds", rounds));
        rows.add(Row.info(name(), "items sent (acknowledged) / received", sent + " / " + received));
        rows.add(Row.info(name(), "items a kill left uncertain (sent or not)", uncertain));
        rows.add(Row.atMost(name(), "items lost", lost, deaths()));
        rows.add(Row.exactly(name(), "items duplicated", duplicated, 0));
        rows.add(Row.exactly(name(), "rounds stalled (no progress for 60 s)", stalledRounds, 0));
        rows.add(Row.exactly(name(), "qsize() after a drained round, at most", leftInQueue, 0));
        rows.addAll(commonRows());
        return rows;
    }

    @Override
    void close() {
        queue.unlink();
    }
}
