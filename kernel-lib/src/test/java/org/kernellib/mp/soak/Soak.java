package org.kernellib.mp.soak;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The soak test with fault injection (not a unit test): random workloads on every kind of shared
 * object (pool maps, 2x2 queue producers and consumers, a lock-protected counter, a semaphore, a
 * barrier) run side by side while {@link FaultInjector} SIGKILLs and SIGSTOPs their workers at
 * random. Each workload checks its invariants; the result is one table, then one JSON line.
 *
 * <p>Usage: {@code java -cp ... org.kernellib.mp.soak.Soak SECONDS [SEED]}. Exit status 0 when every
 * invariant held, 1 otherwise. {@code tools/soak.py} runs it and adds the checks that can only be
 * made after this JVM has gone (leftover processes and shared-memory files).
 */
public final class Soak {
    /** How long a workload may take to finish its last round after the deadline. */
    private static final Duration WIND_DOWN = Duration.ofSeconds(90);

    private Soak() {
    }

    public static void main(final String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 60;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
        Random random = new Random(seed);
        System.out.printf(Locale.ROOT, "soak: %d s, seed %d, pid %d%n", seconds, seed, ProcessHandle.current().pid());

        Map<Long, Long> killedAt = new ConcurrentHashMap<>();
        Freezes freezes = new Freezes();
        List<Workload> all = List.of(new PoolWorkload(), new QueueWorkload(), new CounterWorkload(),
                new SemaphoreWorkload(), new BarrierWorkload(killedAt, freezes));
        // -Dsoak.only=semaphore,barrier runs only the workloads whose names start with these words.
        String only = System.getProperty("soak.only", "");
        List<Workload> workloads = new ArrayList<>();
        for (Workload w : all) {
            if (only.isEmpty() || java.util.Arrays.stream(only.split(",")).anyMatch(w.name()::startsWith)) {
                workloads.add(w);
            } else {
                w.close();
            }
        }
        FaultInjector injector = new FaultInjector(random, workloads, killedAt, freezes);

        Instant deadline = Instant.now().plusSeconds(seconds);
        ExecutorService threads = Executors.newCachedThreadPool();
        List<Future<?>> running = new ArrayList<>();
        for (Workload w : workloads) {
            running.add(threads.submit(() -> {
                w.runUntil(deadline);
                return null;
            }));
        }
        injector.runUntil(deadline);
        injector.thawAll();

        List<Row> rows = new ArrayList<>(injector.rows());
        long windDownEnd = System.nanoTime() + WIND_DOWN.toNanos();
        for (int i = 0; i < workloads.size(); i++) {
            Workload w = workloads.get(i);
            String outcome = "finished";
            try {
                running.get(i).get(Math.max(0, windDownEnd - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                outcome = "still running " + WIND_DOWN.toSeconds() + " s after the deadline";
            } catch (java.util.concurrent.ExecutionException e) {
                outcome = "failed: " + e.getCause();
            }
            rows.add(new Row(w.name(), "workload", outcome, "finished", outcome.equals("finished")));
            rows.addAll(w.rows());
            w.close();
        }
        threads.shutdownNow();

        print(rows);
        boolean ok = rows.stream().allMatch(Row::ok);
        System.out.println(json(rows, seconds, seed, ok));
        System.out.flush();
        // Workers still blocked in a stalled workload must not keep this JVM alive: exit ends them.
        System.exit(ok ? 0 : 1);
    }

    static void print(final List<Row> rows) {
        System.out.printf(Locale.ROOT, "%-14s %-52s %-22s %-12s %s%n", "workload", "check", "value", "limit", "");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "%-14s %-52s %-22s %-12s %s%n", r.workload(), r.metric(), r.value(),
                    r.limit(), r.ok() ? "" : "FAILED");
        }
    }

    static String json(final List<Row> rows, final long seconds, final long seed, final boolean ok) {
        StringBuilder b = new StringBuilder("{\"seconds\": ").append(seconds).append(", \"seed\": ").append(seed)
                .append(", \"ok\": ").append(ok).append(", \"rows\": [");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            b.append(i == 0 ? "" : ", ").append("[").append(quote(r.workload())).append(", ")
                    .append(quote(r.metric())).append(", ").append(quote(r.value())).append(", ")
                    .append(quote(r.limit())).append(", ").append(r.ok()).append("]");
        }
        return b.append("]}").toString();
    }

    private static String quote(final String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
