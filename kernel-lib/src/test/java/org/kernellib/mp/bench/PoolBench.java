package org.kernellib.mp.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.kernellib.mp.Multiprocessing;
import org.kernellib.mp.pool.Pool;
import org.kernellib.mp.start.PrestartStarter;
import org.kernellib.mp.start.Starters;

/**
 * Plain-timing benchmark of {@link Pool} (not a test): prints one JSON object with medians, to put
 * next to {@code tools/bench_python.py --json}.
 *
 * <p>Usage: {@code java -cp ... org.kernellib.mp.bench.PoolBench [reps]} (default 7).
 */
public final class PoolBench {
    /** Where results go so that the JIT cannot drop the work (ClusterBench's too). */
    static volatile long sink;

    private PoolBench() {
    }

    /** The seed tutorial's map-reduce kernel: sum of x*x for x in range(1000). */
    static long f(final int n) {
        long s = 0;
        for (int x = 0; x < 1000; x++) {
            s += (long) x * x;
        }
        return s;
    }

    /** CPU-bound spin whose result depends on n, so it cannot be folded. */
    static long spin(final long n) {
        long s = 0;
        for (long x = 0; x < n; x++) {
            s += x * x ^ (s >>> 7);
        }
        return s;
    }

    public static void main(final String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        PrintStream realOut = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        int procs = Runtime.getRuntime().availableProcessors();
        List<Integer> inputs = IntStream.range(0, 100_000).boxed().collect(Collectors.toList());

        // Warm the parent side (serialization, ASM, the relays) once.
        try (Pool p = new Pool(procs)) {
            p.map(PoolBench::f, inputs);
        }

        // Start-up: new Pool(n) returns when every worker is ready (has answered its INIT). Each
        // is paired with a cold Process start->join just before it, so that the ratio of the two
        // compares starts under the same load on a shared machine.
        Multiprocessing.setStartMethod("spawn");
        ProcessBench.startJoin();
        List<Double> startCold = new ArrayList<>();
        List<Double> processCold = new ArrayList<>();
        List<Double> poolOverProcess = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            Thread.sleep(100);
            double process = ProcessBench.startJoin();
            Thread.sleep(100);
            long t0 = System.nanoTime();
            Pool p = new Pool(procs);
            double pool = ms(t0);
            p.close();
            startCold.add(pool);
            processCold.add(process);
            poolOverProcess.add(pool / process);
        }
        Multiprocessing.setStartMethod("prestart");
        PrestartStarter prestart = (PrestartStarter) Starters.current();
        List<Double> startStandby = new ArrayList<>();
        Pool.prestart(procs);
        for (int i = 0; i < reps; i++) {
            prestart.awaitStandby(30_000);
            Pool.awaitSpares(java.time.Duration.ofSeconds(30));
            Thread.sleep(200);
            long t0 = System.nanoTime();
            Pool p = new Pool(procs);
            startStandby.add(ms(t0));
            p.close();
        }
        Multiprocessing.setStartMethod("spawn");
        Pool.prestart(0); // drops the spares

        // Map-reduce over 100 000 inputs: cold (start included), warm, and sequential Java.
        long expected = 0;
        List<Double> seq = new ArrayList<>();
        for (int i = 0; i < reps + 2; i++) {
            long t0 = System.nanoTime();
            long s = 0;
            for (int n : inputs) {
                s += f(n);
            }
            expected = s;
            if (i >= 2) {
                seq.add(ms(t0));
            }
        }
        List<Double> cold = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            long s;
            try (Pool p = new Pool()) {
                s = sum(p.map(PoolBench::f, inputs));
            }
            cold.add(ms(t0));
            check(s, expected);
        }
        List<Double> warm = new ArrayList<>();
        List<Double> tinyUs = new ArrayList<>();
        List<Double> ceiling = new ArrayList<>();
        List<Double> efficiency = new ArrayList<>();
        List<Double> ratio = new ArrayList<>();
        try (Pool p = new Pool()) {
            for (int i = 0; i < reps + 2; i++) {
                long t0 = System.nanoTime();
                long s = sum(p.map(PoolBench::f, inputs));
                if (i >= 2) {
                    warm.add(ms(t0));
                }
                check(s, expected);
            }
            // Tiny items: identity over 100 000 Integers with the default chunk size.
            for (int i = 0; i < reps + 2; i++) {
                long t0 = System.nanoTime();
                List<Integer> r = p.map(x -> x, inputs);
                double us = (System.nanoTime() - t0) / 1e3 / inputs.size();
                if (r.size() != inputs.size()) {
                    throw new IllegalStateException();
                }
                if (i >= 2) {
                    tinyUs.add(us);
                }
            }
            // Parallel ceiling (one CPU-bound spin in one worker JVM vs one in each of two) and the
            // speed-up of ~2 ms items over sequential Java, measured back to back in each round so
            // that both see the same load on a shared machine.
            long n = calibrate(300);
            long m = calibrate(2);
            List<Long> items = Collections.nCopies(400, m);
            p.map(PoolBench::spin, List.of(n / 10, n / 10), 1); // JIT in both workers
            p.map(PoolBench::spin, items);
            for (int i = 0; i < 2 * reps; i++) {
                long t0 = System.nanoTime();
                p.apply(PoolBench::spin, n);
                double one = ms(t0);
                t0 = System.nanoTime();
                p.map(PoolBench::spin, List.of(n, n), 1);
                double two = ms(t0);
                t0 = System.nanoTime();
                long s = 0;
                for (long x : items) {
                    s += spin(x);
                }
                sink = s;
                double sequential = ms(t0);
                t0 = System.nanoTime();
                sink = sum(p.map(PoolBench::spin, items));
                double pooled = ms(t0);
                ceiling.add(2 * one / two);
                efficiency.add(sequential / pooled);
                ratio.add(sequential / pooled / (2 * one / two));
            }
        }
        double ceil = median(ceiling);
        System.setOut(realOut);
        System.out.println(String.format(Locale.ROOT,
                "{\"processes\": %d, \"parallel_ceiling_2procs\": %.3f, \"speedup_2ms_items\": %.3f,"
                        + " \"speedup_over_ceiling_2ms_items\": %.3f, \"tiny_item_us\": %.3f,"
                        + " \"mapreduce_sequential_s\": %.4f, \"mapreduce_pool_cold_s\": %.4f, \"mapreduce_pool_warm_s\": %.4f,"
                        + " \"pool_start_ms_cold\": %.1f, \"pool_start_ms_standby\": %.1f,"
                        + " \"process_start_join_ms_cold_paired\": %.1f, \"pool_start_over_process_start\": %.3f,"
                        + " \"reps\": %d, \"java\": \"%s\"}",
                procs, ceil, median(efficiency), median(ratio),
                median(tinyUs), median(seq) / 1e3, median(cold) / 1e3, median(warm) / 1e3, median(startCold),
                median(startStandby), median(processCold), median(poolOverProcess), reps,
                System.getProperty("java.version")));
        System.exit(0);
    }

    /** The n for which spin(n) takes about {@code ms} here (after JIT); ClusterBench's too. */
    static long calibrate(final double ms) {
        long n = 100_000;
        for (int i = 0; i < 5; i++) {
            sink = spin(n);
        }
        while (true) {
            long t0 = System.nanoTime();
            sink = spin(n);
            double took = ms(t0);
            if (took > ms / 4) {
                return (long) (n * ms / took);
            }
            n *= 2;
        }
    }

    static long sum(final List<Long> xs) {
        long s = 0;
        for (long x : xs) {
            s += x;
        }
        return s;
    }

    private static void check(final long got, final long expected) {
        if (got != expected) {
            throw new IllegalStateException("pool sum " + got + " != sequential " + expected);
        }
    }

    static double ms(final long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    static double median(final List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int k = s.size();
        return k % 2 == 1 ? s.get(k / 2) : (s.get(k / 2 - 1) + s.get(k / 2)) / 2;
    }
}
