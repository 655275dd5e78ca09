package org.kernellib.mp.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import org.kernellib.mp.Multiprocessing;
import org.kernellib.mp.process.OutputLine;
import org.kernellib.mp.process.Process;
import org.kernellib.mp.start.PrestartStarter;
import org.kernellib.mp.start.Starters;

/**
 * Where the time of a warm-standby start→join goes (not a test): stamps each step of a no-op
 * {@code Process} under {@code prestart} and prints the median of each, in ms. The worker stamps
 * the moment its task runs with the wall clock (microseconds), which both JVMs share.
 *
 * <p>Usage: {@code java -cp ... org.kernellib.mp.bench.WarmStartSteps [reps]} (default 15).
 */
public final class WarmStartSteps {
    private WarmStartSteps() {
    }

    static long micros() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    /**
     * The task. A StringBuilder, not {@code "ran " + micros()}: a string concatenation of a shape
     * the worker has not linked yet costs it milliseconds (see start.WorkerWarmUp), which would be
     * counted as its exit.
     */
    static void stamp() {
        long t = micros();
        System.out.println(new StringBuilder("ran ").append(t));
    }

    public static void main(final String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        PrintStream realOut = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        Multiprocessing.setStartMethod("prestart");
        PrestartStarter starter = (PrestartStarter) Starters.current();
        String[] steps = {"start() in the parent: task serialized and written to the standby",
            "the standby reads, decodes and starts the task", "task end until the JVM is gone and its exit seen",
            "exit seen until join() returns (last output, reaping)", "start→join"};
        List<List<Double>> ms = new ArrayList<>();
        for (String s : steps) {
            ms.add(new ArrayList<>());
        }
        for (int r = 0; r < reps + 2; r++) {
            if (!starter.awaitStandby(30_000)) {
                throw new IllegalStateException("no standby JVM came up in 30 s");
            }
            Thread.sleep(150);
            long t0 = micros();
            Process p = new Process(WarmStartSteps::stamp);
            p.start();
            long t1 = micros();
            long[] gone = new long[1];
            CompletableFuture<Void> exit = ProcessHandle.of(p.pid()).orElseThrow().onExit().thenRun(() -> gone[0] = micros());
            p.join();
            long t4 = micros();
            exit.join();
            long ran = 0;
            for (OutputLine l : p.output()) {
                if (l.text().startsWith("ran ")) {
                    ran = Long.parseLong(l.text().substring(4).trim());
                }
            }
            if (r >= 2) {
                long[] d = {t1 - t0, ran - t1, gone[0] - ran, t4 - gone[0], t4 - t0};
                for (int k = 0; k < d.length; k++) {
                    ms.get(k).add(d[k] / 1000.0);
                }
            }
        }
        Multiprocessing.setStartMethod("spawn");
        System.setOut(realOut);
        for (int k = 0; k < steps.length; k++) {
            List<Double> v = ms.get(k);
            Collections.sort(v);
            System.out.println(String.format(Locale.ROOT, "%-60s %7.2f ms", steps[k], v.get(v.size() / 2)));
        }
        System.exit(0);
    }
}
