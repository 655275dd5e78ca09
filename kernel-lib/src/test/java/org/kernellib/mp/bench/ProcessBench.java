package org.kernellib.mp.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.kernellib.mp.Multiprocessing;
import org.kernellib.mp.process.Process;
import org.kernellib.mp.start.PrestartStarter;
import org.kernellib.mp.start.Starters;

/**
 * Plain-timing benchmark of process start-up (not a test): prints one JSON object with medians.
 * Run by {@code tools/bench.py}, which puts it next to Python's figures.
 *
 * <p>Usage: {@code java -cp ... org.kernellib.mp.bench.ProcessBench [reps]} (default 21).
 */
public final class ProcessBench {
    private ProcessBench() {
    }

    public static void main(final String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        PrintStream realOut = System.out;
        // Workers' relayed output (the RSS lines) must not mix with the JSON on stdout.
        ByteArrayOutputStream relayed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(relayed, true, StandardCharsets.UTF_8));

        Multiprocessing.setStartMethod("spawn");
        startJoin(); // warm up the parent side: class loading, serialization, the relays
        startJoin();
        List<Double> cold = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            cold.add(startJoin());
        }

        List<Double> rss = new ArrayList<>();
        for (int i = 0; i < Math.min(reps, 7); i++) {
            Process p = new Process(ProcessBench::printPeakRss);
            p.start();
            p.join();
        }
        for (String line : relayed.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("VmHWM_KiB ")) {
                rss.add(Double.parseDouble(line.substring(10).trim()) / 1024.0);
            }
        }

        Multiprocessing.setStartMethod("prestart");
        PrestartStarter prestart = (PrestartStarter) Starters.current();
        List<Double> warm = new ArrayList<>();
        for (int i = 0; i < reps + 2; i++) {
            if (!prestart.awaitStandby(30_000)) {
                throw new IllegalStateException("no standby JVM came up in 30 s");
            }
            Thread.sleep(100); // let the standby's own start-up CPU work settle, as between cells
            double ms = startJoin();
            if (i >= 2) {
                warm.add(ms);
            }
        }
        // Three starts in a row, as a cell starting several workers does: the first takes the
        // standby, the others start cold rather than wait for its replacement to warm up.
        List<Double> burst = new ArrayList<>();
        for (int i = 0; i < Math.max(3, reps / 3); i++) {
            if (!prestart.awaitStandby(30_000)) {
                throw new IllegalStateException("no standby JVM came up in 30 s");
            }
            Thread.sleep(100);
            long t0 = System.nanoTime();
            Process[] ps = new Process[3];
            for (int k = 0; k < ps.length; k++) {
                ps[k] = new Process(ProcessBench::noop);
                ps[k].start();
            }
            for (Process p : ps) {
                p.join();
            }
            burst.add((System.nanoTime() - t0) / 1e6);
        }
        Multiprocessing.setStartMethod("spawn");

        System.setOut(realOut);
        System.out.println(String.format(Locale.ROOT,
                "{\"start_join_ms_cold\": %.3f, \"start_join_ms_prestart\": %.3f, \"worker_peak_rss_mib\": %.1f,"
                        + " \"three_starts_joined_ms_prestart\": %.3f,"
                        + " \"start_join_ms_cold_min\": %.3f, \"start_join_ms_prestart_min\": %.3f, \"reps\": %d,"
                        + " \"java\": \"%s\"}",
                median(cold), median(warm), median(rss), median(burst), Collections.min(cold), Collections.min(warm), reps,
                System.getProperty("java.version")));
        System.exit(0);
    }

    private static void noop() {
        // the task of the start-up benchmark
    }

    /** One cold (or, under prestart, warm) no-op Process started and joined, in ms. */
    static double startJoin() {
        long t0 = System.nanoTime();
        Process p = new Process(ProcessBench::noop);
        p.start();
        p.join();
        double ms = (System.nanoTime() - t0) / 1e6;
        if (p.exitCode().orElse(-1) != 0) {
            throw new IllegalStateException("worker failed: " + p.exitCode());
        }
        return ms;
    }

    /** Peak resident set of the worker so far, from the kernel's accounting. */
    private static void printPeakRss() throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                System.out.println("VmHWM_KiB " + line.replaceAll("[^0-9]", ""));
            }
        }
    }

    private static double median(final List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
