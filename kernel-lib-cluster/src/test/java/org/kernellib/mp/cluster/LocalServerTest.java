package org.kernellib.mp.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kernellib.mp.bench.ClusterCallBench;
import org.kernellib.mp.pool.Pool;

/** Where a local server JVM takes its classes from (see {@link LocalServer#command}). */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LocalServerTest {
    @Test
    void igniteComesFromTheServersOwnClassPathAndACallsClassesFromTheKernelsClassPath() {
        try (Cluster cluster = Cluster.startLocal(1); Pool pool = Pool.builder().cluster(cluster).build()) {
            // Ignite on the JVM's own class path, which its class-data-sharing archive serves; the
            // test's class from the class path the kernel gave the server, as before: not asked
            // of the kernel and defined anew at every call.
            assertEquals(List.of("Ignite: system class loader", "call: kernel-lib-task-classpath"),
                    pool.apply(LocalServerTest::loaders, 0));
        }
    }

    @Test
    void igniteOnAServerReadsObjectsOfClassesOnTheKernelsClassPath() throws Exception {
        try (Cluster cluster = Cluster.startLocal(1)) {
            Ignite ignite = cluster.ignite();
            BlockingQueue<Object> back = new LinkedBlockingQueue<>();
            ignite.message().localListen(ClusterCallBench.ECHO_BACK, (UUID from, Object m) -> back.add(m));
            // Ignite reads the bench's raw listener (a class on the kernel's class path only) with the
            // class loader of its configuration: on a server, the loader of the server's whole class
            // path, as the kernel's class path was its own before
            ignite.message(ignite.cluster().forServers()).remoteListen(ClusterCallBench.ECHO,
                    new ClusterCallBench.EchoListener());
            ignite.message(ignite.cluster().forServers()).send(ClusterCallBench.ECHO, "ping");
            assertEquals("ping", back.poll(30, TimeUnit.SECONDS));
        }
    }

    private static List<String> loaders(final Integer ignored) {
        ClassLoader ignite = Ignition.class.getClassLoader();
        return List.of("Ignite: " + (ignite == ClassLoader.getSystemClassLoader() ? "system class loader" : ignite),
                "call: " + LocalServerTest.class.getClassLoader().getName());
    }
}
