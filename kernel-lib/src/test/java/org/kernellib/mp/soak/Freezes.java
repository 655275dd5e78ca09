package org.kernellib.mp.soak;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * When the injector kept each worker frozen (SIGSTOP to SIGCONT, {@link System#nanoTime()}). A
 * frozen process cannot react to anything, so a latency that a worker is measured by (how soon a
 * barrier's survivor learns of a party's death) must not count the time it was frozen.
 */
final class Freezes {
    private final Map<Long, List<long[]>> byPid = new ConcurrentHashMap<>();

    /** Records that {@code pid} was frozen from {@code from} to {@code to}. */
    void add(final long pid, final long from, final long to) {
        byPid.computeIfAbsent(pid, p -> new CopyOnWriteArrayList<>()).add(new long[] {from, to});
    }

    /** How long {@code pid} was frozen between {@code from} and {@code to}. */
    long frozenNanos(final long pid, final long from, final long to) {
        long sum = 0;
        for (long[] f : byPid.getOrDefault(pid, List.of())) {
            long overlap = Math.min(to, f[1]) - Math.max(from, f[0]);
            sum += Math.max(0, overlap);
        }
        return sum;
    }
}
