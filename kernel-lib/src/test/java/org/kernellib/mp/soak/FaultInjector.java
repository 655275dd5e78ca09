package org.kernellib.mp.soak;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every few hundred milliseconds picks one live worker of a random workload and either kills it
 * (SIGKILL: no handler, no clean-up) or freezes it (SIGSTOP) for a while before letting it go on
 * (SIGCONT). Only the soak's own workers are ever signalled.
 */
final class FaultInjector {
    private static final double KILL_SHARE = 0.65;
    /** The longest a worker stays frozen. */
    static final int MAX_FREEZE_MS = 1500;

    private final Random random;
    private final List<Workload> workloads;
    /** When each killed pid was signalled ({@link System#nanoTime()}), for latency measurements. */
    private final Map<Long, Long> killedAt;
    private final Freezes freezes;
    private final Map<String, int[]> tally = new LinkedHashMap<>();
    private final Map<Long, Boolean> frozen = new ConcurrentHashMap<>();
    private final ScheduledExecutorService thaw = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "soak-thaw");
        t.setDaemon(true);
        return t;
    });

    FaultInjector(final Random random, final List<Workload> workloads, final Map<Long, Long> killedAt,
            final Freezes freezes) {
        this.random = random;
        this.freezes = freezes;
        this.workloads = workloads;
        this.killedAt = killedAt;
        for (Workload w : workloads) {
            tally.put(w.name(), new int[2]);
        }
    }

    void runUntil(final Instant deadline) throws InterruptedException {
        while (Instant.now().isBefore(deadline)) {
            Thread.sleep(150 + random.nextInt(350));
            Workload w = workloads.get(random.nextInt(workloads.size()));
            List<Long> pids = new ArrayList<>(w.victims());
            pids.removeIf(frozen::containsKey);
            if (pids.isEmpty()) {
                continue;
            }
            long pid = pids.get(random.nextInt(pids.size()));
            ProcessHandle child = childOfThisJvm(pid);
            if (child == null) {
                continue;
            }
            if (random.nextDouble() < KILL_SHARE) {
                killedAt.put(pid, System.nanoTime());
                child.destroyForcibly();
                tally.get(w.name())[0]++;
            } else {
                freeze(pid, 100 + random.nextInt(MAX_FREEZE_MS - 100));
                tally.get(w.name())[1]++;
            }
        }
    }

    /**
     * The live child of this JVM with that pid, or null. A pid is only a number: once its worker has
     * gone, pid_max (32768 here) wraps within minutes of a soak, and the number can name another
     * process or a thread of this JVM (kill(2) with a thread's id signals the whole process).
     */
    static ProcessHandle childOfThisJvm(final long pid) {
        ProcessHandle self = ProcessHandle.current();
        return ProcessHandle.of(pid)
                .filter(h -> h.pid() != self.pid())
                .filter(h -> h.parent().map(p -> p.pid() == self.pid()).orElse(false))
                .orElse(null);
    }

    private void freeze(final long pid, final int millis) {
        frozen.put(pid, true);
        long from = System.nanoTime();
        signal("STOP", pid);
        thaw.schedule(() -> {
            if (childOfThisJvm(pid) != null) {
                signal("CONT", pid);
            }
            freezes.add(pid, from, System.nanoTime());
            frozen.remove(pid);
        }, millis, TimeUnit.MILLISECONDS);
    }

    /** Lets every frozen worker go on, so nothing stays stopped once the soak ends. */
    void thawAll() {
        for (Long pid : frozen.keySet()) {
            if (childOfThisJvm(pid) != null) {
                signal("CONT", pid);
            }
        }
        thaw.shutdownNow();
        frozen.clear();
    }

    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        tally.forEach((name, n) -> rows.add(Row.info(name, "faults injected: SIGKILL / SIGSTOP",
                n[0] + " / " + n[1])));
        return rows;
    }

    private static void signal(final String sig, final long pid) {
        try {
            new ProcessBuilder("kill", "-s", sig, Long.toString(pid)).start().waitFor();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
