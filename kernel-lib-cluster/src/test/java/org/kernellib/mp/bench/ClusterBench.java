package org.kernellib.mp.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.kernellib.mp.cluster.Cluster;
import org.kernellib.mp.cluster.ClusterLock;
import org.kernellib.mp.cluster.ClusterLongValue;
import org.kernellib.mp.cluster.ClusterQueue;
import org.kernellib.mp.pool.AsyncResult;
import org.kernellib.mp.pool.Pool;
import org.kernellib.mp.process.ProcessInfo;

/**
 * Plain-timing benchmark of a pool and shared structures on a 2-node local cluster (not a test):
 * prints one JSON object of medians over {@code reps} fresh clusters, for tools/bench.py to put
 * next to the shared-memory figures and to Ray's {@code multiprocessing.Pool}
 * (tools/bench_ray.py). Its JVM needs {@code JvmOptions.all()}.
 *
 * <p>Usage: {@code java <JvmOptions> -cp ... org.kernellib.mp.bench.ClusterBench [reps]} (default 3).
 */
public final class ClusterBench {
    private static final int MAP_ITEMS = 100_000;
    private static final int APPLIES = 200;
    /**
     * Applies before the steady-state row: by then the JIT has compiled the call's path on all
     * three JVMs (its median stops falling after about 2 000 here), which the 20 before the
     * first row are far from: that row is a fresh cluster's first calls.
     */
    private static final int WARMING_APPLIES = 3_000;
    /** Operations per node for the value, lock and queue rates (each is a network round trip). */
    private static final int VALUE_OPS = 500;
    private static final int LOCK_OPS = 200;
    private static final int QUEUE_ITEMS = 1_000;
    /** What an item of the failover map sleeps. */
    private static final long FAILOVER_ITEM_MS = 300;

    private ClusterBench() {
    }

    public static void main(final String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        PrintStream realOut = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        Map<String, List<Double>> all = new LinkedHashMap<>();
        List<Integer> items = IntStream.range(0, MAP_ITEMS).boxed().collect(Collectors.toList());
        for (int rep = 0; rep < reps; rep++) {
            long t0 = System.nanoTime();
            Cluster c = Cluster.startLocal(2);
            try (Pool pool = Pool.builder().cluster(c).build()) {
                int first = pool.apply((Integer x) -> x + 1, 1);
                add(all, "cluster_first_result_ms", PoolBench.ms(t0));
                check(first == 2, "first result " + first);
                Thread.sleep(1000); // idle
                add(all, "cluster_idle_rss_mib", serversRssMib(c));

                for (int i = 0; i < 20; i++) {
                    pool.apply((Integer x) -> x, i); // warm both ends
                }
                add(all, "cluster_apply_ms", medianMs(i -> pool.apply((Integer x) -> x, i)));
                for (int i = 0; i < WARMING_APPLIES; i++) {
                    pool.apply((Integer x) -> x, i);
                }
                add(all, "cluster_apply_warm_ms", medianMs(i -> pool.apply((Integer x) -> x, i)));

                pool.map((Integer x) -> x, items); // warm
                long m = System.nanoTime();
                List<Integer> back = pool.map((Integer x) -> x, items);
                add(all, "cluster_map_100k_s", PoolBench.ms(m) / 1e3);
                check(back.equals(items), "the map's results differ from its items");
                try (Pool local = new Pool(2)) {
                    local.map((Integer x) -> x, items);
                    m = System.nanoTime();
                    back = local.map((Integer x) -> x, items);
                    add(all, "local_map_100k_s", PoolBench.ms(m) / 1e3);
                    check(back.equals(items), "the local map's results differ from its items");
                    efficiency(pool, local, all);
                }

                rates(c, pool, rep, all);
                failover(c, pool, all);
            } finally {
                c.close();
            }
        }
        System.setOut(realOut);
        StringBuilder json = new StringBuilder("{");
        for (Map.Entry<String, List<Double>> e : all.entrySet()) {
            json.append(String.format(Locale.ROOT, "\"%s\": %.4f, ", e.getKey(), PoolBench.median(e.getValue())));
        }
        json.append(String.format(Locale.ROOT, "\"cluster_reps\": %d, \"java\": \"%s\"}", reps,
                System.getProperty("java.version")));
        System.out.println(json);
        System.exit(0);
    }

    /** The median of {@link #APPLIES} calls of {@code call} (given 0, 1, ...), each timed. */
    private static double medianMs(final IntConsumer call) {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < APPLIES; i++) {
            long a = System.nanoTime();
            call.accept(i);
            times.add(PoolBench.ms(a));
        }
        return PoolBench.median(times);
    }

    /**
     * ~2 ms CPU-bound items: speed-up over sequential Java on the cluster and on a local pool, and
     * the ceiling the cluster's two JVMs reach on this machine (one spin alone vs two at once).
     */
    private static void efficiency(final Pool cluster, final Pool local, final Map<String, List<Double>> all) {
        long n = PoolBench.calibrate(300);
        long m = PoolBench.calibrate(2);
        List<Long> items = Collections.nCopies(400, m);
        cluster.map(PoolBench::spin, List.of(n / 10, n / 10), 1); // JIT on both nodes
        cluster.map(PoolBench::spin, items);
        local.map(PoolBench::spin, items);
        List<Double> ceiling = new ArrayList<>();
        List<Double> overCeiling = new ArrayList<>();
        List<Double> overLocal = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            cluster.apply(PoolBench::spin, n);
            double one = PoolBench.ms(t0);
            t0 = System.nanoTime();
            cluster.map(PoolBench::spin, List.of(n, n), 1);
            double two = PoolBench.ms(t0);
            t0 = System.nanoTime();
            long s = 0;
            for (long x : items) {
                s += PoolBench.spin(x);
            }
            PoolBench.sink = s;
            double sequential = PoolBench.ms(t0);
            t0 = System.nanoTime();
            PoolBench.sink = PoolBench.sum(cluster.map(PoolBench::spin, items));
            double onCluster = PoolBench.ms(t0);
            t0 = System.nanoTime();
            PoolBench.sink = PoolBench.sum(local.map(PoolBench::spin, items));
            double onLocal = PoolBench.ms(t0);
            double c = 2 * one / two;
            ceiling.add(c);
            overCeiling.add(sequential / onCluster / c);
            overLocal.add((sequential / onCluster) / (sequential / onLocal));
        }
        add(all, "cluster_parallel_ceiling_2nodes", PoolBench.median(ceiling));
        add(all, "cluster_speedup_over_ceiling_2ms_items", PoolBench.median(overCeiling));
        add(all, "cluster_speedup_over_local_2ms_items", PoolBench.median(overLocal));
    }

    /** Value, lock and queue operations from the nodes (two chunks at once) and to the kernel. */
    private static void rates(final Cluster c, final Pool pool, final int rep, final Map<String, List<Double>> all) {
        ClusterLongValue atomic = c.longValue("bench-atomic-" + rep);
        long t0 = System.nanoTime();
        pool.map((Integer k) -> {
            for (int i = 0; i < VALUE_OPS; i++) {
                atomic.incrementAndGet();
            }
            return k;
        }, List.of(0, 1), 1);
        add(all, "cluster_value_increments_per_s_2nodes", 2 * VALUE_OPS / (PoolBench.ms(t0) / 1e3));
        check(atomic.get() == 2 * VALUE_OPS, "atomic increments: " + atomic.get());

        ClusterLongValue locked = c.longValue("bench-locked-" + rep);
        t0 = System.nanoTime();
        pool.map((Integer k) -> {
            for (int i = 0; i < LOCK_OPS; i++) {
                try (var held = locked.hold()) {
                    locked.set(locked.get() + 1);
                }
            }
            return k;
        }, List.of(0, 1), 1);
        add(all, "cluster_value_locked_increments_per_s_2nodes", 2 * LOCK_OPS / (PoolBench.ms(t0) / 1e3));
        check(locked.get() == 2 * LOCK_OPS, "locked increments: " + locked.get());

        ClusterLock lock = c.lock("bench-lock-" + rep);
        t0 = System.nanoTime();
        pool.map((Integer k) -> {
            for (int i = 0; i < LOCK_OPS; i++) {
                lock.acquire();
                lock.release();
            }
            return k;
        }, List.of(0, 1), 1);
        add(all, "cluster_lock_pairs_per_s_2nodes", 2 * LOCK_OPS / (PoolBench.ms(t0) / 1e3));

        ClusterQueue<Integer> queue = c.queue("bench-queue-" + rep);
        t0 = System.nanoTime();
        AsyncResult<Integer> producer = pool.applyAsync((Integer n) -> {
            for (int i = 0; i < n; i++) {
                queue.put(i);
            }
            return n;
        }, QUEUE_ITEMS);
        long total = 0;
        for (int i = 0; i < QUEUE_ITEMS; i++) {
            total += queue.get();
        }
        add(all, "cluster_queue_items_per_s", QUEUE_ITEMS / (PoolBench.ms(t0) / 1e3));
        producer.get();
        check(total == (long) QUEUE_ITEMS * (QUEUE_ITEMS - 1) / 2, "the queue's items summed to " + total);

        // A call whose function puts one item: the queue arrives on the node with each call (a copy
        // of the variable), as a notebook's cell sends it.
        add(all, "cluster_queue_put_apply_ms", medianMs(i -> pool.apply((Integer k) -> {
            queue.put(k);
            return k;
        }, i)));
        for (int i = 0; i < APPLIES; i++) {
            int got = queue.get();
            check(got == i, "the applies put " + got + " where " + i + " was due");
        }
    }

    /**
     * Two items of {@link #FAILOVER_ITEM_MS}, one per node; the node that started one first is
     * killed (SIGKILL) while it runs it. Measured from the kill: until the survivor starts the
     * killed item again, and until the map returns (with the same results as without the kill).
     * Each start leaves a file named {@code item-pid} in a directory of the bench's (the servers are
     * on this machine): a cluster queue would do too, but an operation on it across the kill fails
     * when the kill happens to make the cluster drop the kernel's client, which the pool's call
     * survives and a queue's {@code take} does not (README, "Speed"), so the round would measure that.
     */
    private static void failover(final Cluster c, final Pool pool, final Map<String, List<Double>> all)
            throws IOException, InterruptedException {
        Path marks = Files.createTempDirectory("kernel-lib-bench-failover-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            String dir = marks.toString();
            AsyncResult<List<Integer>> running = pool.mapAsync((Integer n) -> {
                Files.write(Paths.get(dir, n + "-" + ProcessHandle.current().pid()), new byte[0]);
                Thread.sleep(FAILOVER_ITEM_MS);
                return n * 3;
            }, List.of(0, 1), 1);
            String[] first = started(marks, Set.of()).split("-");
            long pid = Long.parseLong(first[1]);
            ProcessInfo victim = c.localServers().stream().filter(s -> s.pid() == pid).findFirst().orElseThrow();
            c.kill(victim);
            long killed = System.nanoTime();
            Set<String> seen = new HashSet<>();
            while (true) {
                String again = started(marks, seen);
                seen.add(again);
                if (again.startsWith(first[0] + "-") && !again.equals(first[0] + "-" + pid)) {
                    add(all, "cluster_failover_rerun_ms", PoolBench.ms(killed));
                    break;
                }
            }
            List<Integer> results = running.get();
            add(all, "cluster_failover_ms", PoolBench.ms(killed));
            check(results.equals(List.of(0, 3)), "the map after the kill returned " + results);
        } finally {
            try (Stream<Path> left = Files.list(marks)) {
                for (Path f : (Iterable<Path>) left::iterator) {
                    Files.delete(f);
                }
                Files.delete(marks);
            } catch (IOException e) {
                // an item still running after a failure may add a file: the failure is what to report
                System.err.println("ClusterBench: " + marks + " left behind: " + e);
            }
        }
    }

    /** The name of a start's file in {@code marks} not among {@code seen}, as soon as there is one (30 s at most). */
    private static String started(final Path marks, final Set<String> seen) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            try (Stream<Path> files = Files.list(marks)) {
                Optional<String> next = files.map(f -> f.getFileName().toString()).filter(f -> !seen.contains(f)).findFirst();
                if (next.isPresent()) {
                    return next.get();
                }
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("no item started in 30 s; started: " + seen);
    }

    /** Resident memory of the cluster's server JVMs, together. */
    private static double serversRssMib(final Cluster c) throws IOException {
        double kib = 0;
        for (ProcessInfo s : c.localServers()) {
            for (String line : Files.readAllLines(Paths.get("/proc", String.valueOf(s.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    kib += Double.parseDouble(line.replaceAll("[^0-9]", ""));
                }
            }
        }
        return kib / 1024;
    }

    private static void check(final boolean ok, final String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    private static void add(final Map<String, List<Double>> all, final String key, final double value) {
        all.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
}
