package org.kernellib.mp.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import org.kernellib.mp.shared.IntValue;
import org.kernellib.mp.shared.RawIntValue;
import org.kernellib.mp.shared.SharedState;
import org.kernellib.mp.shared.queue.Queue;
import org.kernellib.mp.shared.sync.Lock;
import org.kernellib.mp.shared.sync.Semaphore;
import org.kernellib.mp.shared.testing.ChildJvm;

/**
 * Throughput of the shared-state primitives across real JVM processes, printed as ONE JSON object.
 * Each figure is the median of {@value #RUNS} runs. Run after {@code mvn test-compile}:
 * <pre>
 * java -cp kernel-lib/target/classes:kernel-lib/target/test-classes org.kernellib.mp.bench.SharedStateBench
 * </pre>
 * Compare with {@code python3 tools/bench_python.py --json} on the same machine (tools/bench.py does).
 */
public final class SharedStateBench {
    static final int RUNS = 3;
    static final List<String> JVM = List.of("-Xmx256m", "-XX:+UseSerialGC");

    private SharedStateBench() {
    }

    public static void main(final String[] args) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("java", System.getProperty("java.version"));
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        out.put("lock_pairs_per_s_uncontended", median(SharedStateBench::lockUncontended));
        out.put("lock_pairs_per_s_2procs", median(() -> twoProcesses("lock", 5_000_000)));
        out.put("semaphore_pairs_per_s_uncontended", median(SharedStateBench::semaphoreUncontended));
        out.put("semaphore_pairs_per_s_2procs", median(() -> twoProcesses("semaphore", 5_000_000)));
        out.put("value_locked_increments_per_s_2procs", median(() -> twoProcesses("locked", 5_000_000)));
        out.put("value_atomic_increments_per_s_2procs", median(() -> twoProcesses("atomic", 20_000_000)));
        out.put("queue_items_per_s", median(() -> queue1p1c(2_000_000, false)));
        out.put("queue_items_per_s_2p2c", median(() -> queue2p2c(1_000_000)));
        out.put("queue_1kib_items_per_s", median(() -> queue1p1c(500_000, true)));
        StringBuilder sb = new StringBuilder("{");
        out.forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "").append('"').append(k).append("\": ")
                .append(v instanceof String ? "\"" + v + "\"" : v));
        System.out.println(sb.append('}'));
    }

    interface Run {
        double rate();
    }

    static long median(final Run run) {
        double[] r = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            r[i] = run.rate();
        }
        Arrays.sort(r);
        return Math.round(r[RUNS / 2]);
    }

    // ---- in this process ---------------------------------------------------------------------

    static double lockUncontended() {
        try (Lock lock = SharedState.lock()) {
            int n = 20_000_000;
            pairs(lock, n); // warm-up
            long t0 = System.nanoTime();
            pairs(lock, n);
            double rate = n / ((System.nanoTime() - t0) / 1e9);
            lock.unlink();
            return rate;
        }
    }

    static void pairs(final Lock lock, final int n) {
        for (int i = 0; i < n; i++) {
            lock.acquire();
            lock.release();
        }
    }

    static double semaphoreUncontended() {
        try (Semaphore sem = SharedState.semaphore(1)) {
            int n = 20_000_000;
            permits(sem, n); // warm-up
            long t0 = System.nanoTime();
            permits(sem, n);
            double rate = n / ((System.nanoTime() - t0) / 1e9);
            sem.unlink();
            return rate;
        }
    }

    /** A semaphore used like a lock: its own loop, so the lock rows' code and profile stay as they were. */
    static void permits(final Semaphore sem, final int n) {
        for (int i = 0; i < n; i++) {
            sem.acquire();
            sem.release();
        }
    }

    // ---- two worker processes ----------------------------------------------------------------

    static double twoProcesses(final String mode, final int n) {
        try (Lock lock = SharedState.lock(); IntValue v = SharedState.intValue(0);
             RawIntValue go = SharedState.rawIntValue(0); RawIntValue done = SharedState.rawIntValue(0);
             Semaphore sem = SharedState.semaphore(1)) {
            List<ChildJvm> kids = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                kids.add(ChildJvm.start(JVM, SharedStateBench.class, "worker", mode, lock, v, go, done, n, sem));
            }
            for (ChildJvm k : kids) {
                k.awaitLine("READY", 60_000);
            }
            long t0 = System.nanoTime();
            go.set(1);
            while (done.get() < 2) {
                LockSupport.parkNanos(20_000);
            }
            double rate = 2.0 * n / ((System.nanoTime() - t0) / 1e9);
            for (ChildJvm k : kids) {
                k.assertSuccess(60_000);
            }
            if (!mode.equals("lock") && !mode.equals("semaphore") && v.get() != 2 * n) {
                throw new AssertionError(mode + " lost updates: " + v.get() + " != " + 2 * n);
            }
            lock.unlink();
            v.unlink();
            go.unlink();
            done.unlink();
            sem.unlink();
            return rate;
        }
    }

    static void worker(final Object[] a) {
        String mode = (String) a[0];
        Lock lock = (Lock) a[1];
        IntValue v = (IntValue) a[2];
        RawIntValue go = (RawIntValue) a[3];
        RawIntValue done = (RawIntValue) a[4];
        int n = (Integer) a[5];
        Semaphore sem = (Semaphore) a[6];
        try (Lock warmLock = SharedState.lock(); IntValue warmValue = SharedState.intValue(0);
             Semaphore warmSem = SharedState.semaphore(1)) {
            run(mode, warmLock, warmValue, warmSem, n); // same code, private objects: JIT warm-up
            warmLock.unlink();
            warmValue.unlink();
            warmSem.unlink();
        }
        System.out.println("READY");
        awaitGo(go);
        run(mode, lock, v, sem, n);
        done.incrementAndGet();
    }

    static void awaitGo(final RawIntValue go) {
        while (go.get() == 0) {
            LockSupport.parkNanos(20_000);
        }
    }

    static void run(final String mode, final Lock lock, final IntValue v, final Semaphore sem, final int n) {
        switch (mode) {
            case "lock":
                pairs(lock, n);
                break;
            case "semaphore":
                permits(sem, n);
                break;
            case "locked": {
                var l = v.getLock();
                for (int i = 0; i < n; i++) {
                    l.acquire();
                    try {
                        v.set(v.get() + 1);
                    } finally {
                        l.release();
                    }
                }
                break;
            }
            case "atomic":
                for (int i = 0; i < n; i++) {
                    v.incrementAndGet();
                }
                break;
            default:
                throw new IllegalArgumentException(mode);
        }
    }

    // ---- queues ------------------------------------------------------------------------------

    static final byte[] KIB = new byte[1024];

    static double queue1p1c(final int n, final boolean kib) {
        try (Queue<Object> q = Queue.create(0, 4 << 20); RawIntValue go = SharedState.rawIntValue(0)) {
            try (Queue<Object> warm = Queue.create(0, 4 << 20)) {
                pump(warm, 200_000, kib); // warm up this process's consumer path
                warm.unlink();
            }
            try (ChildJvm producer = ChildJvm.start(JVM, SharedStateBench.class, "producer", q, go, n, kib, 1)) {
                producer.awaitLine("READY", 60_000);
                long t0 = System.nanoTime();
                go.set(1);
                long sum = 0;
                for (int i = 0; i < n; i++) {
                    Object o = q.get();
                    sum += kib ? ((byte[]) o).length : (Integer) o;
                }
                double rate = n / ((System.nanoTime() - t0) / 1e9);
                producer.assertSuccess(60_000);
                long expect = kib ? 1024L * n : (long) n * (n - 1) / 2;
                if (sum != expect) {
                    throw new AssertionError("queue lost items: sum " + sum + " != " + expect);
                }
                q.unlink();
                go.unlink();
                return rate;
            }
        }
    }

    static void pump(final Queue<Object> q, final int n, final boolean kib) {
        for (int i = 0; i < n; i++) {
            q.put(kib ? KIB : (Object) i);
            q.get();
        }
    }

    static void producer(final Object[] a) {
        @SuppressWarnings("unchecked")
        Queue<Object> q = (Queue<Object>) a[0];
        RawIntValue go = (RawIntValue) a[1];
        int n = (Integer) a[2];
        boolean kib = (Boolean) a[3];
        int sentinels = (Integer) a[4];
        try (Queue<Object> warm = Queue.create(0, 4 << 20)) {
            pump(warm, 200_000, kib);
            warm.unlink();
        }
        System.out.println("READY");
        awaitGo(go);
        for (int i = 0; i < n; i++) {
            q.put(kib ? KIB : (Object) i);
        }
        if (a.length > 5) {
            for (int i = 0; i < sentinels; i++) {
                q.put(-1);
            }
        }
    }

    static double queue2p2c(final int nEach) {
        try (Queue<Object> q = Queue.create(0, 4 << 20); RawIntValue go = SharedState.rawIntValue(0);
             RawIntValue done = SharedState.rawIntValue(0)) {
            List<ChildJvm> kids = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                kids.add(ChildJvm.start(JVM, SharedStateBench.class, "producer", q, go, nEach, false, 1, "sentinel"));
                kids.add(ChildJvm.start(JVM, SharedStateBench.class, "consumer", q, go, done));
            }
            for (ChildJvm k : kids) {
                k.awaitLine("READY", 60_000);
            }
            long t0 = System.nanoTime();
            go.set(1);
            while (done.get() < 2) {
                LockSupport.parkNanos(20_000);
            }
            double rate = 2.0 * nEach / ((System.nanoTime() - t0) / 1e9);
            long total = 0;
            for (ChildJvm k : kids) {
                k.assertSuccess(60_000);
            }
            for (ChildJvm k : kids) {
                String t = k.transcript();
                int at = t.indexOf("GOT ");
                if (at >= 0) {
                    total += Long.parseLong(t.substring(at + 4).trim());
                }
            }
            if (total != 2L * nEach) {
                throw new AssertionError("2p2c moved " + total + " items, expected " + 2L * nEach);
            }
            q.unlink();
            go.unlink();
            done.unlink();
            return rate;
        }
    }

    static void consumer(final Object[] a) {
        @SuppressWarnings("unchecked")
        Queue<Object> q = (Queue<Object>) a[0];
        RawIntValue go = (RawIntValue) a[1];
        RawIntValue done = (RawIntValue) a[2];
        try (Queue<Object> warm = Queue.create(0, 4 << 20)) {
            pump(warm, 200_000, false);
            warm.unlink();
        }
        System.out.println("READY");
        awaitGo(go);
        long got = 0;
        while ((Integer) q.get() >= 0) {
            got++;
        }
        done.incrementAndGet();
        System.out.println("GOT " + got);
    }
}
