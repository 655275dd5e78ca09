package org.kernellib.mp.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.ignite.events.EventType;
import org.apache.ignite.spi.discovery.tcp.internal.TcpDiscoveryNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kernellib.mp.pool.AsyncResult;
import org.kernellib.mp.pool.Pool;
import org.kernellib.mp.process.ProcessInfo;

/**
 * The kernel's client node talks to the cluster through one server, its router; when that server
 * dies, the client reconnects through another. That other server may be slow to answer just then
 * (a collection pause, two loaded cores): the reconnect must outlast it, not drop the kernel. And
 * when that server is out for longer still, the cluster drops the kernel, which rejoins when the
 * server is back: the map it had out must still return.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClientReconnectTest {
    /** How long the other server is paused around the router's death: more than Ignite's default reconnect window, 5 s. */
    private static final long PAUSE_MS = 7_000;

    @Test
    void aKernelWhoseRouterDiesWhileTheOtherServerIsPausedStaysConnected() throws Exception {
        try (Cluster c = Cluster.startLocal(2); Pool pool = Pool.builder().cluster(c).build()) {
            ClusterLongValue value = c.longValue("reconnect-value", 41);
            assertEquals(42L, pool.apply((Integer x) -> value.incrementAndGet(), 0));
            UUID router = ((TcpDiscoveryNode) c.ignite().cluster().localNode()).clientRouterNodeId();
            Object routerPid = c.ignite().cluster().node(router).attribute(NodeConfig.PID);
            List<ProcessInfo> servers = c.localServers();
            ProcessInfo dying = servers.stream().filter(s -> routerPid.equals(s.pid())).findFirst().orElseThrow();
            ProcessInfo paused = servers.stream().filter(s -> s != dying).findFirst().orElseThrow();
            signal(paused, "STOP");
            try {
                c.kill(dying);
                Thread.sleep(PAUSE_MS);
            } finally {
                signal(paused, "CONT");
            }
            assertEquals(42L, value.get(), "the value, from its backup on the server that is left");
            assertEquals(43L, pool.apply((Integer x) -> value.incrementAndGet(), 0));
            assertEquals(List.of(paused.name()), c.nodes().stream().map(ProcessInfo::name).toList());
        }
    }

    /**
     * Past the client's reconnect window the cluster drops it; it rejoins as a new node once a
     * server answers. The chunks it had out then go out again, and the map returns its results.
     */
    @Test
    void aKernelDroppedByTheClusterRejoinsAndItsMapCompletes() throws Exception {
        try (Cluster c = Cluster.startLocal(2); Pool pool = Pool.builder().cluster(c).build()) {
            ClusterLongValue value = c.longValue("rejoin-value", 41);
            assertEquals(42L, pool.apply((Integer x) -> value.incrementAndGet(), 0));
            CountDownLatch dropped = new CountDownLatch(1);
            CountDownLatch rejoined = new CountDownLatch(1);
            c.ignite().events().localListen(e -> {
                (e.type() == EventType.EVT_CLIENT_NODE_DISCONNECTED ? dropped : rejoined).countDown();
                return true;
            }, EventType.EVT_CLIENT_NODE_DISCONNECTED, EventType.EVT_CLIENT_NODE_RECONNECTED);
            UUID router = ((TcpDiscoveryNode) c.ignite().cluster().localNode()).clientRouterNodeId();
            Object routerPid = c.ignite().cluster().node(router).attribute(NodeConfig.PID);
            List<ProcessInfo> servers = c.localServers();
            ProcessInfo dying = servers.stream().filter(s -> routerPid.equals(s.pid())).findFirst().orElseThrow();
            ProcessInfo paused = servers.stream().filter(s -> s != dying).findFirst().orElseThrow();
            List<Integer> items = IntStream.range(0, 8).boxed().collect(Collectors.toList());
            AsyncResult<List<Integer>> map = pool.mapAsync((Integer x) -> {
                Thread.sleep(300);
                return x * 2;
            }, items, 1);
            Thread.sleep(200); // chunks are out on both servers
            signal(paused, "STOP");
            try {
                c.kill(dying);
                assertTrue(dropped.await(NodeConfig.CLIENT_RECONNECT_MS + 20_000, TimeUnit.MILLISECONDS),
                        "the cluster did not drop the kernel's client");
            } finally {
                signal(paused, "CONT");
            }
            assertTrue(rejoined.await(NodeConfig.REJOIN_WAIT_MS, TimeUnit.MILLISECONDS), "the client did not rejoin");
            assertEquals(items.stream().map(x -> x * 2).toList(), map.get(Duration.ofSeconds(30)));
            assertEquals(42L, value.get(), "the value, from its backup on the server that is left");
            assertEquals(43L, pool.apply((Integer x) -> value.incrementAndGet(), 0));
            assertEquals(43L, value.get(), "a chunk after the rejoin runs once: one listener per server");
        }
    }

    private static void signal(final ProcessInfo server, final String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(server.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " " + server.pid());
    }
}
