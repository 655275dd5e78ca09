package org.kernellib.mp.cluster;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

import org.apache.ignite.IgniteState;
import org.apache.ignite.Ignition;
import org.kernellib.mp.process.Task;
import org.kernellib.mp.shared.memory.RuntimeDir;

/**
 * What a local server JVM runs: an Ignite server node, until that node stops. The JVM is an
 * ordinary kernel-lib worker (see {@link LocalServer}), so it ends with the JVM that started it
 * however that one ends, SIGKILL included: a worker halts when its stdin pipe from the parent
 * reaches end-of-file.
 */
final class ServerNode {
    private ServerNode() {
    }

    /** The task: a lambda capturing only strings and an int, so it travels by name. */
    static Task task(final String name, final String addresses, final int discoveryPort) {
        return () -> run(name, addresses, discoveryPort);
    }

    private static void run(final String name, final String addresses, final int discoveryPort) throws Exception {
        System.setProperty("IGNITE_UPDATE_NOTIFIER", "false");
        System.setProperty("IGNITE_NO_ASCII", "true");
        System.setProperty("IGNITE_PERFORMANCE_SUGGESTIONS_DISABLED", "true");
        CountDownLatch stopped = new CountDownLatch(1);
        Ignition.addListener((instance, state) -> {
            if (name.equals(instance) && state != IgniteState.STARTED) {
                stopped.countDown();
            }
        });
        Ignition.start(NodeConfig.of(name, name, false, Arrays.asList(addresses.split(",")), discoveryPort,
                RuntimeDir.get().resolve("ignite")));
        stopped.await(); // a node stopped by Ignite (segmented, say) ends its JVM
    }
}
