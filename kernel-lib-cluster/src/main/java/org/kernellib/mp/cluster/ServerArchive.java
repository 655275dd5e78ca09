package org.kernellib.mp.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.kernellib.mp.pool.Pool;
import org.kernellib.mp.process.ProcessInfo;
import org.kernellib.mp.start.CdsArchive;

/**
 * The AppCDS archive of local server JVMs: the classes a server loads beyond a worker's (Ignite's,
 * several thousand, through kernel-lib's loader of the task's class path, and kernel-lib's),
 * parsed and verified once, then mapped by every server (JDK 17 maps such classes, though not
 * their lambdas, which it archives for the JVM's own class path only). Made like the workers'
 * archive ({@link CdsArchive}): at set-up time, for the exact {@code java} and jars in use, by a
 * training run, and used only when it exists (its file name carries a hash of the JVM, the
 * server's class path and Ignite's jars; see {@link LocalServer#command}).
 *
 * <p>The training run starts a local cluster of two servers, the first with
 * {@code -XX:ArchiveClassesAtExit}, runs a pool's calls and the structures on it, and stops the
 * nodes; the first server's JVM writes the archive as it exits.
 *
 * <p>Usage: {@code java <JvmOptions> -cp <the kernel's class path> org.kernellib.mp.cluster.ServerArchive}
 * (prints the archive's path).
 */
public final class ServerArchive {
    /** The start of the archive's file name (the workers' is "worker"). */
    static final String KIND = "server";
    private static final List<String> QUIET = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    /** How long the first server may take to write the archive as it exits (tens of MiB, on a loaded machine). */
    private static final long DUMP_MS = 300_000;

    private ServerArchive() {
    }

    public static void main(final String[] args) throws Exception {
        System.out.println(build());
        System.exit(0);
    }

    /** Builds (or rebuilds) the archive for this JVM and these jars; returns its path. */
    static Path build() throws IOException, InterruptedException {
        JvmOptions.requireInThisJvm();
        List<String> key = LocalServer.archiveKey(LocalServer.command(LocalServer.ownLoaders(), List.of()));
        Path target = CdsArchive.archivePath(KIND, key).orElseThrow(() -> new IllegalStateException(
                "a server's classes come from " + key + ", not all jars; CDS can only archive classes from jars"));
        Files.createDirectories(target.getParent());
        // An archive in place would be mapped by the training server, which cannot then dump one.
        Files.deleteIfExists(target);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        List<String> flags = new ArrayList<>(List.of("-XX:ArchiveClassesAtExit=" + tmp));
        flags.addAll(QUIET);
        try (Cluster c = Cluster.startLocal(2, flags)) {
            train(c);
            // The client leaves first and the first server ends last, so that no node warns about
            // one that vanished; SIGTERM lets its JVM exit normally, writing the archive as it does.
            c.ignite().close();
            List<ProcessInfo> servers = new ArrayList<>(c.localServers());
            Collections.reverse(servers);
            for (ProcessInfo s : servers) {
                ProcessHandle h = ProcessHandle.of(s.pid()).orElseThrow(
                        () -> new IOException("training server " + s + " ended before it was stopped"));
                h.destroy();
                try {
                    h.onExit().get(DUMP_MS, TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    throw new IOException("training server " + s + " did not exit within " + DUMP_MS / 1000 + " s", e);
                }
            }
        }
        if (!Files.isRegularFile(tmp)) {
            throw new IOException("the training server left no archive at " + tmp);
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** What a notebook does first on a cluster: a pool's calls, a value, a lock and a queue used from a node. */
    private static void train(final Cluster c) {
        ClusterLongValue value = c.longValue("cds-training-value");
        ClusterLock lock = c.lock("cds-training-lock");
        ClusterQueue<Integer> queue = c.queue("cds-training-queue");
        try (Pool pool = Pool.builder().cluster(c).build()) {
            pool.apply((Integer x) -> x + 1, 1);
            pool.map((Integer x) -> {
                value.incrementAndGet();
                lock.acquire();
                lock.release();
                queue.put(x);
                return x * x;
            }, List.of(1, 2, 3, 4), 1);
        }
        for (int i = 0; i < 4; i++) {
            queue.get();
        }
    }
}
