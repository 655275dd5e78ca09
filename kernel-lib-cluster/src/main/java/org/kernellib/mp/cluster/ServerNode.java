package org.kernellib.mp.cluster;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteState;
import org.apache.ignite.Ignition;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;
import org.kernellib.mp.process.Task;
import org.kernellib.mp.shared.memory.RuntimeDir;

/**
 * What a local server JVM runs: an Ignite server node, until that node stops. The JVM is an
 * ordinary kernel-lib worker (see {@link LocalServer}), so it ends with the JVM that started it
 * however that one ends, SIGKILL included: a worker halts when its stdin pipe from the parent
 * reaches end-of-file.
 *
 * <p>The first server of a cluster lists only its own address, so it forms the cluster at once,
 * and says it is up by creating the ready file; every other server lists the first one's and
 * waits for that file before it joins (see {@link FirstServerGate}).
 */
final class ServerNode {
    private ServerNode() {
    }

    /**
     * The task: a lambda capturing only strings, a boolean and an int, so it travels by name.
     *
     * @param first whether this is the cluster's first server (it creates {@code readyFile})
     * @param addresses what this server's finder lists: its own address for the first, the first's for the others
     */
    static Task task(final String name, final boolean first, final String addresses, final int discoveryPort,
            final String readyFile) {
        return () -> run(name, first, addresses, discoveryPort, Paths.get(readyFile));
    }

    private static void run(final String name, final boolean first, final String addresses, final int discoveryPort,
            final Path readyFile) throws Exception {
        System.setProperty("IGNITE_UPDATE_NOTIFIER", "false");
        System.setProperty("IGNITE_NO_ASCII", "true");
        System.setProperty("IGNITE_PERFORMANCE_SUGGESTIONS_DISABLED", "true");
        CountDownLatch stopped = new CountDownLatch(1);
        Ignition.addListener((instance, state) -> {
            if (name.equals(instance) && state != IgniteState.STARTED) {
                stopped.countDown();
            }
        });
        List<String> finderAddresses = Arrays.asList(addresses.split(","));
        TcpDiscoveryVmIpFinder finder;
        if (first) {
            finder = new TcpDiscoveryVmIpFinder();
            finder.setAddresses(finderAddresses);
        } else {
            // If the first server's JVM dies instead, the owner stops this one.
            finder = new FirstServerGate(finderAddresses, readyFile, NodeConfig.JOIN_TIMEOUT_MS);
        }
        Ignite ignite = Ignition.start(NodeConfig.of(name, name, false, finder, discoveryPort,
                RuntimeDir.get().resolve("ignite")));
        if (first) {
            JobTypes.register(ignite); // while it is alone, before the gate lets the others join
            FirstServerGate.open(readyFile);
        }
        stopped.await(); // a node stopped by Ignite (segmented, say) ends its JVM
    }
}
