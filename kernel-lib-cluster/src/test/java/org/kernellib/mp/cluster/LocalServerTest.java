package org.kernellib.mp.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.ignite.Ignition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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

    private static List<String> loaders(final Integer ignored) {
        ClassLoader ignite = Ignition.class.getClassLoader();
        return List.of("Ignite: " + (ignite == ClassLoader.getSystemClassLoader() ? "system class loader" : ignite),
                "call: " + LocalServerTest.class.getClassLoader().getName());
    }
}
