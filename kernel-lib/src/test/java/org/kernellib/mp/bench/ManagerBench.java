package org.kernellib.mp.bench;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

import org.kernellib.mp.manager.DictProxy;
import org.kernellib.mp.manager.Manager;
import org.kernellib.mp.process.Process;
import org.kernellib.mp.shared.RawIntValue;
import org.kernellib.mp.shared.SharedState;

/**
 * Manager round-trips across real processes, printed as ONE JSON object: two worker processes,
 * released together, each doing {@code d.put(key, i); d.get(key)} on one manager dict (its own
 * key); the figure is set+get pairs per second, both workers together, from the release until
 * both have ended: the same measurement as {@code manager_dict_pairs_per_s_2procs} of
 * tools/bench_python.py. Each worker first does the same number of pairs on the same dict before
 * it reports ready, so the JIT has compiled the path. Median of {@value #RUNS} runs.
 */
public final class ManagerBench {
    static final int RUNS = 3;
    static final int PAIRS_EACH = 20_000;

    private ManagerBench() {
    }

    public static void main(final String[] args) {
        double[] r = new double[RUNS];
        try (Manager m = Manager.start()) {
            for (int i = 0; i < RUNS; i++) {
                r[i] = dictPairs(m);
            }
        }
        Arrays.sort(r);
        System.out.println("{\"manager_dict_pairs_per_s_2procs\": " + Math.round(r[RUNS / 2]) + "}");
    }

    static double dictPairs(final Manager m) {
        DictProxy<String, Integer> d = m.dict();
        try (RawIntValue ready = SharedState.rawIntValue(0); RawIntValue go = SharedState.rawIntValue(0)) {
            Process[] workers = new Process[2];
            for (int w = 0; w < 2; w++) {
                String key = "k" + w;
                workers[w] = new Process(() -> worker(d, key, ready, go));
                workers[w].start();
            }
            while (ready.get() < 2) {
                LockSupport.parkNanos(1_000_000);
            }
            long t0 = System.nanoTime();
            go.set(1);
            for (Process p : workers) {
                p.join();
                if (p.exitCode().orElse(-1) != 0) {
                    throw new IllegalStateException(p.name() + " failed: " + p.exitCode());
                }
            }
            double rate = 2.0 * PAIRS_EACH / ((System.nanoTime() - t0) / 1e9);
            if (!d.get("k0").equals(PAIRS_EACH - 1) || !d.get("k1").equals(PAIRS_EACH - 1)) {
                throw new IllegalStateException("the dict ended at " + d + ", not " + (PAIRS_EACH - 1) + " for each key");
            }
            ready.unlink();
            go.unlink();
            return rate;
        }
    }

    static void worker(final DictProxy<String, Integer> d, final String key, final RawIntValue ready,
            final RawIntValue go) {
        pairs(d, key); // warm-up
        ready.incrementAndGet();
        while (go.get() == 0) {
            LockSupport.parkNanos(20_000);
        }
        pairs(d, key);
    }

    static void pairs(final DictProxy<String, Integer> d, final String key) {
        for (int i = 0; i < PAIRS_EACH; i++) {
            d.put(key, i);
            if (d.get(key) != i) {
                throw new IllegalStateException("read back " + d.get(key) + " after writing " + i);
            }
        }
    }
}
