package org.kernellib.mp.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.pool.AsyncResult;
import org.kernellib.mp.pool.Pool;
import org.kernellib.mp.pool.PoolException;
import org.kernellib.mp.process.ProcessInfo;
import org.kernellib.mp.shared.memory.RuntimeDir;

/**
 * A local cluster's servers join, a second handle joins them by address, no server outlives its
 * owner, and a kernel that loses its cluster fails its calls within a bounded time.
 */
class ClusterLifecycleTest {
    /**
     * How long a call may take to fail once the kernel lost its cluster: Ignite's client gives up
     * reconnecting after {@link NodeConfig#CLIENT_RECONNECT_MS}, then the chunks out wait
     * {@link NodeConfig#REJOIN_WAIT_MS} for it to rejoin; the rest is room for a loaded machine.
     */
    private static final long LOST_BOUND_MS = NodeConfig.CLIENT_RECONNECT_MS + NodeConfig.REJOIN_WAIT_MS + 15_000;
    /** How long closing a handle may take once its cluster is gone (its client's goodbye goes unanswered). */
    private static final long CLOSE_BOUND_MS = 4_000;

    @Test
    void startsJoinsAndCloseEndsOnlyWhatItStarted() throws Exception {
        List<Long> pids = new ArrayList<>();
        PrintStream err = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new TeeOutputStream(err, printed), true, StandardCharsets.UTF_8));
        Cluster started;
        try {
            started = Cluster.startLocal(2);
        } finally {
            System.setErr(err);
        }
        // No node joined before the first server was up, so none found no server and retried.
        String said = printed.toString(StandardCharsets.UTF_8);
        assertFalse(said.contains("Failed to connect to any address"), said);
        // The servers' JMX beans are off (LocalServer.NO_MBEANS); Ignite's note on each system view
        // it then cannot show in JMX is not news to a cell.
        assertFalse(said.contains("MBean"), said);
        try (Cluster c = started) {
            // The classes every call sends were registered by the first server before anyone joined,
            // so the first call does not wait for their registration to go round the cluster.
            for (Class<?> job : List.of(NodeInit.class, ChunkListener.class, ChunkCancel.class, ClassRequest.class)) {
                assertNotNull(c.ignite().binary().type(job), job + " is not registered");
            }
            assertEquals(2, c.nodes().size(), c.toString());
            for (ProcessInfo s : c.localServers()) {
                pids.add(s.pid());
                assertTrue(ProcessHandle.of(s.pid()).map(ProcessHandle::isAlive).orElse(false));
                // what makes a server start sooner and its first calls quicker (see LocalServer):
                // JMX beans off, C2 later, C1 sooner
                List<String> args = List.of(ProcessHandle.of(s.pid()).orElseThrow().info().arguments().orElseThrow());
                assertTrue(args.contains(LocalServer.NO_MBEANS) && args.containsAll(LocalServer.LATER_C2)
                        && args.containsAll(LocalServer.EARLY_C1), args.toString());
            }
            assertEquals(pids.stream().sorted().toList(), c.nodes().stream().map(ProcessInfo::pid).sorted().toList(),
                    "the nodes' pid attributes name the server JVMs");
            for (String a : c.addresses()) {
                assertTrue(a.startsWith("127.0.0.1:"), a);
                int port = Integer.parseInt(a.substring(a.indexOf(':') + 1));
                assertTrue(port >= 47600 && port <= 47699, a);
            }
            try (Cluster other = Cluster.connect(c.addresses().toArray(new String[0]))) {
                assertEquals(2, other.nodes().size());
                assertTrue(other.localServers().isEmpty());
            }
            // closing the handle that only connected stopped no server
            assertEquals(2, c.nodes().size());
            for (long pid : pids) {
                assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            }
        }
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "server " + pid + " still runs");
        }
    }

    @Test
    void aServerKilledFromOutsideLeavesNoRuntimeDirectoryOnceTheClusterIsClosed() throws Exception {
        long killed;
        try (Cluster c = Cluster.startLocal(2)) {
            ProcessInfo server = c.localServers().get(0);
            killed = server.pid();
            assertTrue(runtimeDirectoriesOf(killed) > 0, "the server made its runtime directory");
            c.kill(server); // SIGKILL: its own clean-up never runs
            ProcessHandle.of(killed).ifPresent(h -> h.onExit().join());
        }
        assertEquals(0, runtimeDirectoriesOf(killed), "the killed server's runtime directory outlived the cluster");
    }

    private static long runtimeDirectoriesOf(final long pid) throws IOException {
        try (var entries = Files.list(RuntimeDir.base())) {
            return entries.filter(p -> p.getFileName().toString().startsWith(RuntimeDir.PREFIX + pid + "-")).count();
        }
    }

    @Test
    void badArgumentsSayWhatIsWrong() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cluster.startLocal(0));
        assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Cluster.connect());
        assertTrue(e.getMessage().contains("KERNELLIB_CLUSTER"), e.getMessage());
    }

    @Test
    void jvmOptionsAgreeWithThePom() throws Exception {
        // The surefire argLine carries the pom's list; this JVM must have every option JvmOptions lists.
        List<String> args = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String o : JvmOptions.all()) {
            assertTrue(args.contains(o), "the pom's ignite.jvm.options lacks " + o);
        }
    }

    @Test
    void serversDieWhenTheirOwnerIsKilled() throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m"));
        cmd.addAll(JvmOptions.all());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), OwnerMain.class.getName()));
        Process owner = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<Long> servers = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(owner.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null && !line.equals("ready")) {
                if (line.startsWith("server ")) {
                    servers.add(Long.parseLong(line.substring(7)));
                }
            }
            assertEquals(2, servers.size(), "the owner did not report its servers");
            owner.destroyForcibly(); // SIGKILL: no hook of the owner runs
            assertTrue(owner.waitFor(10, TimeUnit.SECONDS));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (long pid : servers) {
                while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                        "server " + pid + " outlived its SIGKILLed owner");
            }
        } finally {
            owner.destroyForcibly();
            for (long pid : servers) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /**
     * A kernel that joined a cluster (so it sees no server JVM end, only the network) and loses it:
     * the running call, a blocked queue get, a value's read and a new call each fail within
     * {@link #LOST_BOUND_MS} with an error that says so, none hangs.
     */
    @Test
    void aKernelThatLosesItsClusterFailsItsCallsWithinBoundedTime() throws Exception {
        try (Cluster owner = Cluster.startLocal(1);
                Cluster joined = Cluster.connect(owner.addresses().toArray(new String[0]))) {
            Pool pool = Pool.builder().cluster(joined).build();
            ClusterLongValue started = joined.longValue("lost-started");
            ClusterQueue<Integer> empty = joined.queue("lost-empty");
            AsyncResult<List<Integer>> running = pool.mapAsync((Integer n) -> {
                started.incrementAndGet();
                try {
                    Thread.sleep(3_000);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return n;
            }, List.of(1, 2, 3, 4), 1);
            CompletableFuture<Throwable> blockedGet = CompletableFuture.supplyAsync(() -> {
                try {
                    return new AssertionError("got " + empty.get() + " from an empty queue");
                } catch (RuntimeException e) {
                    return e;
                }
            });
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (started.get() == 0 && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            Thread.sleep(200);
            owner.kill(owner.localServers().get(0));
            long killed = System.nanoTime();
            PoolException lost = assertThrows(PoolException.class, () -> running.get(java.time.Duration.ofMillis(LOST_BOUND_MS)));
            long callMs = ms(killed);
            System.err.println("connection lost: the running call failed after " + callMs + " ms: " + lost.getMessage());
            Throwable getFailure = blockedGet.get(LOST_BOUND_MS, TimeUnit.MILLISECONDS);
            long getMs = ms(killed);
            System.err.println("connection lost: the blocked get returned after " + getMs + " ms: " + getFailure);
            long t = System.nanoTime();
            RuntimeException read = assertThrows(RuntimeException.class, started::get);
            long readMs = ms(t);
            System.err.println("connection lost: a read failed after " + readMs + " ms: " + read);
            t = System.nanoTime();
            PoolException next = assertThrows(PoolException.class, () -> pool.map((Integer n) -> n, List.of(1)));
            long nextMs = ms(t);
            System.err.println("connection lost: a new call failed after " + nextMs + " ms: " + next.getMessage());
            assertTrue(callMs < LOST_BOUND_MS && readMs < LOST_BOUND_MS && nextMs < LOST_BOUND_MS,
                    callMs + " / " + readMs + " / " + nextMs + " ms");
            // a structure's operations say what failed and why, not only Ignite's exception
            assertTrue(getFailure instanceof ClusterException && getFailure.getMessage().startsWith(
                    "get() on ClusterQueue 'lost-empty' failed: this JVM has lost its connection to the cluster"),
                    String.valueOf(getFailure));
            assertTrue(read instanceof ClusterException && read.getMessage().startsWith(
                    "get() on ClusterLongValue 'lost-started' failed: this JVM has lost its connection"), String.valueOf(read));
            assertTrue(lost.getMessage().contains("lost its connection"), lost.getMessage());
            pool.terminate();
            // closing either handle does not wait for servers that are gone to see it leave
            t = System.nanoTime();
            joined.close();
            long joinedMs = ms(t);
            t = System.nanoTime();
            owner.close();
            long ownerMs = ms(t);
            assertTrue(joinedMs < CLOSE_BOUND_MS && ownerMs < CLOSE_BOUND_MS, "closing took " + joinedMs + " / " + ownerMs + " ms");
        }
    }

    /** Writes to two streams. */
    private static final class TeeOutputStream extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        TeeOutputStream(final OutputStream a, final OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(final int x) throws IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public synchronized void write(final byte[] bytes, final int off, final int len) throws IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }

    private static long ms(final long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    /** An owner JVM for serversDieWhenTheirOwnerIsKilled: starts a local cluster, names its servers, waits to be killed. */
    public static final class OwnerMain {
        public static void main(final String[] args) throws Exception {
            Cluster c = Cluster.startLocal(2);
            for (ProcessInfo s : c.localServers()) {
                System.out.println("server " + s.pid());
            }
            System.out.println("ready");
            System.out.flush();
            Thread.sleep(120_000);
            c.close();
        }
    }
}
