package org.kernellib.mp.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.kernellib.mp.pool.Pool;
import org.kernellib.mp.start.CdsArchive;

/**
 * The class-data-sharing archive of a local server JVM: the classes of Ignite and kernel-lib that
 * a server loads as it starts and serves its first calls (some 3 400 of them, most from the
 * Ignite jar, which is on the server JVM's own class path: see {@link LocalServer#command}), parsed
 * and verified once, then mapped by every server. Without it, loading them was a third of a
 * server's main thread as it started (JFR); a two-server cluster to its first result took
 * 2.39-2.72 s without it, 2.14-2.27 s with it (same machine, same minutes).
 *
 * <p>Built at set-up time ({@code make setup}) with
 * {@code java <JvmOptions> -cp <kernel-lib, kernel-lib-cluster and Ignite jars> org.kernellib.mp.cluster.ServerArchive},
 * which starts a one-server cluster whose JVM dumps what it loaded as it exits
 * ({@code -XX:ArchiveClassesAtExit}). It lives beside the workers' archive ({@link CdsArchive}),
 * named for the JVM and the servers' class path (kernel-lib's, Ignite's and kernel-lib-cluster's
 * jars), so that a rebuilt jar or another JDK looks for another file. The JVM checks at start that
 * those jars are the ones it was dumped from, and a server whose archive is missing or does not fit
 * starts without it, as it did before there was one.
 */
public final class ServerArchive {
    private ServerArchive() {
    }

    /** Builds (or rebuilds) the archive; prints its path, or why there is none (which fails nothing). */
    public static void main(final String[] args) {
        try {
            System.out.println(build());
        } catch (IOException | RuntimeException e) {
            System.err.println("no class-data-sharing archive for local cluster servers (they start without one): "
                    + e.getMessage());
        }
        System.exit(0);
    }

    /** The flags that make a server whose boot class path is {@code bootClassPath} use the archive, if it is there. */
    static List<String> flags(final List<String> bootClassPath) {
        return CdsArchive.flagsFor(path(bootClassPath));
    }

    /**
     * Where the archive for this JVM and a server's boot class path lives ({@link LocalServer#command}:
     * kernel-lib's jars, Ignite's and kernel-lib-cluster's).
     */
    static Optional<Path> path(final List<String> bootClassPath) {
        return CdsArchive.archivePath("server", bootClassPath);
    }

    /** Dumps the archive with a one-server cluster that does what servers do first, and installs it. */
    static Path build() throws IOException {
        List<String> boot = LocalServer.command(List.of(ServerArchive.class.getClassLoader())).bootClassPath();
        Path target = path(boot).orElseThrow(() -> new IOException(
                "kernel-lib or Ignite is loaded from a directory, not a jar, and CDS archives classes from jars only"));
        Files.createDirectories(target.getParent());
        Path dumped = target.resolveSibling(target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try (Cluster cluster = Cluster.startLocal(1, CdsArchive.dumpFlags(dumped))) {
            train(cluster);
        }
        if (!Files.isRegularFile(dumped)) {
            throw new IOException("the training server ended without dumping its archive");
        }
        CdsArchive.install(dumped, target);
        return target;
    }

    /**
     * What a server does for a notebook: a pool call by name, one that carries an object, and the
     * cluster value, lock, semaphore and queue, so that their classes on the server are archived too.
     */
    private static void train(final Cluster cluster) {
        List<Integer> offsets = List.of(1, 2);
        try (Pool pool = Pool.builder().cluster(cluster).build()) {
            pool.apply(ServerArchive::twice, 1);
            pool.map((Integer x) -> x + offsets.get(0), List.of(1, 2, 3));
        }
        ClusterLongValue value = cluster.longValue("kernel-lib-archive-training", 0);
        value.incrementAndGet();
        try (ClusterHeld held = value.hold()) {
            value.addAndGet(1);
        }
        ClusterSemaphore permits = cluster.semaphore("kernel-lib-archive-training", 1);
        permits.acquire();
        permits.release();
        ClusterQueue<String> queue = cluster.queue("kernel-lib-archive-training");
        queue.put("training");
        queue.get();
    }

    /** A pool function the training calls by name. */
    private static Integer twice(final Integer x) {
        return 2 * x;
    }
}
