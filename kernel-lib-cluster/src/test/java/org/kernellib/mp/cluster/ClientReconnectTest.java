package org.kernellib.mp.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.ignite.spi.discovery.tcp.internal.TcpDiscoveryNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kernellib.mp.pool.Pool;
import org.kernellib.mp.process.ProcessInfo;

/**
 * The kernel's client node talks to the cluster through one server, its router; when that server
 * dies, the client reconnects through another. That other server may be slow to answer just then
 * (a collection pause, two loaded cores): the reconnect must outlast it, not drop the kernel.
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

    private static void signal(final ProcessInfo server, final String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(server.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " " + server.pid());
    }
}
