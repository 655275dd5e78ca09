package org.kernellib.mp.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteAtomicLong;
import org.apache.ignite.IgniteCompute;
import org.apache.ignite.IgniteLock;
import org.apache.ignite.IgniteQueue;
import org.apache.ignite.Ignition;
import org.apache.ignite.cache.CacheMode;
import org.apache.ignite.cluster.ClusterGroup;
import org.apache.ignite.configuration.AtomicConfiguration;
import org.apache.ignite.configuration.CollectionConfiguration;
import org.apache.ignite.lang.IgniteBiPredicate;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;
import org.kernellib.mp.cluster.Cluster;
import org.kernellib.mp.cluster.ClusterLock;
import org.kernellib.mp.cluster.ClusterLongValue;
import org.kernellib.mp.cluster.ClusterQueue;
import org.kernellib.mp.pool.Pool;
import org.kernellib.mp.testing.JShellHarness;

/**
 * Plain-timing benchmark (not a test) of one call's cost on a 2-node local cluster: kernel-lib's
 * pool {@code apply} (next to the raw Ignite message round trip its chunk travels on, and to a raw
 * compute call, what it travelled on before) and cluster value, lock and queue operations next to
 * the raw Ignite call each one stands on, in the same JVM and the same minutes, in interleaved blocks, so that the gap is
 * measured on one machine load. Prints one line per figure (median over every call of every
 * round, and the load average), then one JSON object.
 *
 * <p>Usage: {@code java <JvmOptions> -cp ... org.kernellib.mp.bench.ClusterCallBench [rounds] [calls]}
 * (defaults 5 and 40: each figure is the median of rounds x calls timings).
 */
public final class ClusterCallBench {
    /** Operations a structure job does in a row on a server (the figure is per operation). */
    private static final int OPS = 50;

    private ClusterCallBench() {
    }

    /** The least Ignite compute call: an integer there and back. */
    static final class Echo implements IgniteCallable<Integer> {
        private static final long serialVersionUID = 1L;
        private final int x;

        Echo(final int x) {
            this.x = x;
        }

        @Override
        public Integer call() {
            return x;
        }
    }

    /** The topics of the raw message round trip: to a server, and back to the kernel. */
    public static final String ECHO = "bench-echo";
    public static final String ECHO_BACK = "bench-echo-back";

    /**
     * On a server: sends each message on {@link #ECHO} back to its sender on {@link #ECHO_BACK}, as
     * the pool's chunk listener answers a chunk (without running anything). LocalServerTest installs
     * it too: Ignite on a server must read it, a class of the kernel's class path only.
     */
    public static final class EchoListener implements IgniteBiPredicate<UUID, Object> {
        private static final long serialVersionUID = 1L;
        @IgniteInstanceResource
        private transient Ignite ignite;

        @Override
        public boolean apply(final UUID from, final Object message) {
            ignite.message(ignite.cluster().forNodeId(from)).send(ECHO_BACK, message);
            return true;
        }
    }

    /** On a server: {@code OPS} operations of one kind on raw Ignite structures; answers ns per operation. */
    static final class RawOps implements IgniteCallable<Long> {
        private static final long serialVersionUID = 1L;
        private final String kind;
        private final String name;
        @IgniteInstanceResource
        private transient Ignite ignite;

        RawOps(final String kind, final String name) {
            this.kind = kind;
            this.name = name;
        }

        @Override
        public Long call() throws Exception {
            Runnable op = rawOp(ignite, kind, name);
            op.run(); // the handle's lookup is not an operation
            long t0 = System.nanoTime();
            for (int i = 0; i < OPS; i++) {
                op.run();
            }
            return (System.nanoTime() - t0) / OPS;
        }
    }

    static AtomicConfiguration atomics() {
        return new AtomicConfiguration().setBackups(1);
    }

    /** One raw operation of {@code kind} on the Ignite structure {@code name}, its handle looked up once. */
    static Runnable rawOp(final Ignite ignite, final String kind, final String name) {
        switch (kind) {
            case "value":
                IgniteAtomicLong v = ignite.atomicLong(name, atomics(), 0, true);
                return v::incrementAndGet;
            case "lock":
                IgniteLock l = ignite.reentrantLock(name, true, false, true);
                return () -> {
                    l.lock();
                    l.unlock();
                };
            case "queue":
                CollectionConfiguration c = new CollectionConfiguration();
                c.setBackups(1);
                c.setCacheMode(CacheMode.PARTITIONED);
                c.setGroupName("kernel-lib-queues");
                IgniteQueue<byte[]> q = ignite.queue(name, 0, c);
                byte[] item = {1, 2, 3, 4};
                return () -> {
                    q.put(item);
                    q.take();
                };
            default:
                throw new IllegalArgumentException(kind);
        }
    }

    /** Ours: the same operation on kernel-lib-cluster's structure. */
    static Runnable ourOp(final Cluster c, final String kind, final String name) {
        switch (kind) {
            case "value":
                ClusterLongValue v = c.longValue(name);
                return v::incrementAndGet;
            case "lock":
                ClusterLock l = c.lock(name);
                return () -> {
                    l.acquire();
                    l.release();
                };
            case "queue":
                ClusterQueue<Integer> q = c.queue(name);
                return () -> {
                    q.put(7);
                    q.get();
                };
            default:
                throw new IllegalArgumentException(kind);
        }
    }

    public static void main(final String[] args) throws Exception {
        try {
            run(args);
        } catch (Throwable e) {
            e.printStackTrace(new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true));
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(final String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        PrintStream realOut = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        String loadBefore = load();
        Map<String, List<Double>> all = new LinkedHashMap<>();
        Cluster c = Cluster.startLocal(2);
        JShellHarness shell = new JShellHarness("java.util.*", "org.kernellib.mp.pool.*");
        try (Pool pool = Pool.builder().cluster(c).build()) {
            Ignite ignite = Ignition.allGrids().get(0);
            IgniteCompute kept = ignite.compute(ignite.cluster().forServers());
            IgniteCompute cached = ignite.compute(ignite.cluster().forServers()).withNoFailover();
            ClusterCallBench.pool = pool;
            shell.eval("var pool = org.kernellib.mp.bench.ClusterCallBench.pool;");
            shell.eval("int offset = 0;");
            shell.eval("double[] timeApplies(int n) { double[] r = new double[n]; for (int i = 0; i < n; i++) { "
                    + "long t0 = System.nanoTime(); int v = pool.apply((Integer x) -> x + offset, i); "
                    + "if (v != i) throw new IllegalStateException(v + \" for \" + i); "
                    + "r[i] = (System.nanoTime() - t0) / 1e6; } return r; }");

            // what an apply's chunk travels on: a message to one server and one back
            AtomicReference<CompletableFuture<Object>> echoed = new AtomicReference<>();
            ignite.message().localListen(ECHO_BACK, (from, m) -> {
                echoed.get().complete(m);
                return true; // keep listening
            });
            ignite.message(ignite.cluster().forServers()).remoteListen(ECHO, new EchoListener());
            ClusterGroup oneServer = ignite.cluster().forServers().forOldest();

            Map<String, Callable<Object>> applies = new LinkedHashMap<>();
            applies.put("raw_message_round_trip_ms", () -> {
                CompletableFuture<Object> back = new CompletableFuture<>();
                echoed.set(back);
                ignite.message(oneServer).send(ECHO, new byte[] {1});
                return (int) ((byte[]) back.get())[0];
            });
            applies.put("raw_compute_call_ms", () -> ignite.compute(ignite.cluster().forServers()).call(new Echo(1)));
            applies.put("raw_compute_call_cached_ms", () -> kept.call(new Echo(1)));
            applies.put("raw_compute_call_cached_nofailover_ms", () -> cached.call(new Echo(1)));
            applies.put("pool_apply_ms", () -> pool.apply((Integer x) -> x, 1));

            List<String> kinds = List.of("value", "lock", "queue");
            Map<String, Runnable> clientOps = new LinkedHashMap<>();
            for (String k : kinds) {
                clientOps.put("raw_client_" + k + "_ms", rawOp(ignite, k, "raw-client-" + k));
                clientOps.put("ours_client_" + k + "_ms", ourOp(c, k, "ours-client-" + k));
            }
            ClusterLongValue sv = c.longValue("ours-server-value");
            ClusterLock sl = c.lock("ours-server-lock");
            ClusterQueue<Integer> sq = c.queue("ours-server-queue");

            for (int round = -1; round < rounds; round++) { // round -1 warms both ends up
                boolean warm = round < 0;
                // what the JVMs use doing nothing (heartbeats, the JIT still compiling): each
                // CPU figure per call below includes this much per millisecond it took
                long idle0 = cpuNanos(c);
                Thread.sleep(500);
                if (!warm) {
                    add(all, "idle_cpu_ms_per_s_all_jvms", (cpuNanos(c) - idle0) / 1e6 / 0.5);
                }
                for (Map.Entry<String, Callable<Object>> e : applies.entrySet()) {
                    if (!selected(e.getKey())) {
                        continue;
                    }
                    long cpu0 = cpuNanos(c);
                    for (int i = 0; i < calls; i++) {
                        long t0 = System.nanoTime();
                        Object r = e.getValue().call();
                        double ms = (System.nanoTime() - t0) / 1e6;
                        check(Integer.valueOf(1).equals(r), e.getKey() + " returned " + r);
                        if (!warm) {
                            add(all, e.getKey(), ms);
                        }
                    }
                    if (!warm) {
                        add(all, e.getKey().replace("_ms", "_cpu_ms_all_jvms"), (cpuNanos(c) - cpu0) / 1e6 / calls);
                    }
                }
                double[] cell = new double[0];
                if (selected("jshell_cell_apply_ms")) {
                    long cpu0 = cpuNanos(c);
                    shell.eval("org.kernellib.mp.bench.ClusterCallBench.cellTimes = timeApplies(" + calls + ");");
                    cell = cellTimes;
                    if (!warm) {
                        add(all, "jshell_cell_apply_cpu_ms_all_jvms", (cpuNanos(c) - cpu0) / 1e6 / calls);
                    }
                }
                if (!warm) {
                    for (double ms : cell) {
                        add(all, "jshell_cell_apply_ms", ms);
                    }
                }
                for (Map.Entry<String, Runnable> e : clientOps.entrySet()) {
                    if (!selected(e.getKey())) {
                        continue;
                    }
                    for (int i = 0; i < calls; i++) {
                        long t0 = System.nanoTime();
                        e.getValue().run();
                        if (!warm) {
                            add(all, e.getKey(), (System.nanoTime() - t0) / 1e6);
                        }
                    }
                }
                for (String k : kinds) {
                    if (!selected("server_" + k)) {
                        continue;
                    }
                    for (int i = 0; i < 4; i++) {
                        long raw = cached.call(new RawOps(k, "raw-server-" + k));
                        long ours = pool.apply((Integer n) -> {
                            Runnable op = k.equals("value") ? sv::incrementAndGet : k.equals("lock") ? () -> {
                                sl.acquire();
                                sl.release();
                            } : () -> {
                                sq.put(7);
                                sq.get();
                            };
                            op.run();
                            long t0 = System.nanoTime();
                            for (int j = 0; j < n; j++) {
                                op.run();
                            }
                            return (System.nanoTime() - t0) / n;
                        }, OPS);
                        if (!warm) {
                            add(all, "raw_server_" + k + "_ms", raw / 1e6);
                            add(all, "ours_server_" + k + "_ms", ours / 1e6);
                        }
                    }
                }
            }
        } finally {
            shell.close();
            c.close();
        }
        System.setOut(realOut);
        StringBuilder json = new StringBuilder("{");
        for (Map.Entry<String, List<Double>> e : all.entrySet()) {
            double med = median(e.getValue());
            System.out.println(String.format(Locale.ROOT, "%-40s median %8.3f  (n=%d, p10 %.3f, p90 %.3f)", e.getKey(), med,
                    e.getValue().size(), pct(e.getValue(), 0.1), pct(e.getValue(), 0.9)));
            json.append(String.format(Locale.ROOT, "\"%s\": %.4f, ", e.getKey(), med));
        }
        json.append(String.format(Locale.ROOT, "\"load_before\": \"%s\", \"load_after\": \"%s\"}", loadBefore, load()));
        System.out.println(json);
    }

    /** The pool the JShell cells use (a cell reaches it through this field). */
    public static volatile Pool pool;
    /** What the last JShell cell timed. */
    public static volatile double[] cellTimes;

    /** Whether figure {@code name} is measured: all, or those the environment's BENCH_ONLY regex finds. */
    private static boolean selected(final String name) {
        String only = System.getenv("BENCH_ONLY");
        return only == null || java.util.regex.Pattern.compile(only).matcher(name).find();
    }

    /**
     * CPU time used so far by this JVM and the cluster's server JVMs together (user and system):
     * what a call costs the machine, which load inflates far less than its latency. The servers'
     * figure comes in the kernel's clock ticks (10 ms), so it means something only over many calls.
     */
    private static long cpuNanos(final Cluster c) {
        long ns = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
        for (var s : c.localServers()) {
            try {
                String stat = Files.readString(Paths.get("/proc", String.valueOf(s.pid()), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ns += (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L; // utime, stime at 100 Hz
            } catch (java.io.IOException | RuntimeException gone) {
                // a server that ended has no figure
            }
        }
        return ns;
    }

    private static String load() {
        try {
            return Files.readString(Paths.get("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static double median(final List<Double> xs) {
        return pct(xs, 0.5);
    }

    private static double pct(final List<Double> xs, final double p) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get((int) Math.min(s.size() - 1, Math.round(p * (s.size() - 1))));
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
