package org.kernellib.mp.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.kernellib.mp.Multiprocessing;
import org.kernellib.mp.pool.Pool;
import org.kernellib.mp.process.OutputLine;
import org.kernellib.mp.process.Process;

/**
 * Where a cold pool's start goes next to a cold process's (not a test): in rounds, a cold
 * {@code Process} whose task stamps the wall clock as it runs (so start→task runs, task→joined),
 * then a cold {@code new Pool(1)} and a cold {@code new Pool(n)} until ready; prints the median of
 * each, in ms. A pool worker is ready once its loop answered the pool, so {@code Pool(1)} minus
 * "start→task runs" is what the pool's loop adds to a process's start, and "task→joined" is the
 * exit a process pays and a pool's start does not.
 *
 * <p>Usage: {@code java -cp ... org.kernellib.mp.bench.PoolStartSteps [rounds]} (default 9).
 */
public final class PoolStartSteps {
    private PoolStartSteps() {
    }

    static long micros() {
        java.time.Instant i = java.time.Instant.now();
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    /** The process's task: its stamp, built without a string concatenation (see WarmStartSteps). */
    static void stamp() {
        System.out.println(new StringBuilder("ran ").append(micros()));
    }

    public static void main(final String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        int n = Runtime.getRuntime().availableProcessors();
        PrintStream realOut = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        Multiprocessing.setStartMethod("spawn");
        new Pool(1).close(); // warm the parent side
        processOnce();
        List<Double> toTask = new ArrayList<>();
        List<Double> taskToJoined = new ArrayList<>();
        List<Double> joined = new ArrayList<>();
        List<Double> pool1 = new ArrayList<>();
        List<Double> poolN = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            Thread.sleep(100);
            double[] p = processOnce();
            toTask.add(p[0]);
            taskToJoined.add(p[1] - p[0]);
            joined.add(p[1]);
            Thread.sleep(100);
            pool1.add(poolReady(1));
            Thread.sleep(100);
            poolN.add(poolReady(n));
        }
        System.setOut(realOut);
        System.out.println(String.format(Locale.ROOT,
                "{\"process_start_to_task_ms\": %.1f, \"process_task_to_joined_ms\": %.1f, \"process_start_join_ms\": %.1f,"
                        + " \"pool_1_ready_ms\": %.1f, \"pool_n_ready_ms\": %.1f, \"n\": %d, \"rounds\": %d}",
                median(toTask), median(taskToJoined), median(joined), median(pool1), median(poolN), n, rounds));
        System.exit(0);
    }

    /** A cold no-op process: {start→task runs, start→joined} in ms. */
    private static double[] processOnce() {
        long wall0 = micros();
        long t0 = System.nanoTime();
        Process p = new Process(PoolStartSteps::stamp);
        p.start();
        p.join();
        double total = (System.nanoTime() - t0) / 1e6;
        long ran = -1;
        for (OutputLine l : p.output()) {
            if (l.text().startsWith("ran ")) {
                ran = Long.parseLong(l.text().substring(4).trim());
            }
        }
        if (ran < 0) {
            throw new IllegalStateException("the process did not stamp: " + p.output());
        }
        return new double[] {(ran - wall0) / 1e3, total};
    }

    private static double poolReady(final int processes) {
        long t0 = System.nanoTime();
        Pool pool = new Pool(processes);
        double ms = (System.nanoTime() - t0) / 1e6;
        pool.close();
        return ms;
    }

    private static double median(final List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int k = s.size();
        return k % 2 == 1 ? s.get(k / 2) : (s.get(k / 2 - 1) + s.get(k / 2)) / 2;
    }
}
