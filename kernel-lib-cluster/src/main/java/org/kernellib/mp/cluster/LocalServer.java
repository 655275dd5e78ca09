package org.kernellib.mp.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import org.kernellib.mp.process.CurrentProcess;
import org.kernellib.mp.serial.TaskPayload;
import org.kernellib.mp.start.Launcher;
import org.kernellib.mp.start.WorkerCommand;
import org.kernellib.mp.start.WorkerHandle;

/**
 * One server JVM of a local cluster, as its owner sees it. It is started like any kernel-lib
 * worker ({@link Launcher}, a {@link WorkerHandle}), with Ignite's module options and a modest heap
 * added, so it inherits what every worker has: its output relayed to the owner's, and its end
 * tied to the owner's: the worker halts when its stdin pipe from the owner closes, which the OS
 * does when the owner exits or is killed.
 */
final class LocalServer {
    /** Heap of a server JVM: nodes keep values, locks, queues and a pool's chunks, not data sets. */
    static final String HEAP = "-Xmx256m";
    /**
     * Ignite's JMX beans off: registering them was a tenth of a server's start on its main thread
     * (JFR), and nothing here reads them; a server that should have them is one started by
     * {@code ignite.sh}.
     */
    static final String NO_MBEANS = "-DIGNITE_MBEANS_DISABLED=true";
    /**
     * C2 later: a method is compiled by C2 after 15 000 calls instead of 5 000 (and the rest of
     * the policy's C2 thresholds alike; loops still by their back-edges). A server's start runs
     * thousands of methods a few thousand times each, and their C2 compiles were the largest
     * single use of CPU while the three JVMs of a fresh local cluster shared two cores (C2's thread
     * 0.61-0.69 s per server, the main thread's 0.59-0.64 s); code that stays hot still reaches C2.
     * ClusterBench, two runs each, in turn: first result 2.38-2.46 -> 2.12 s with these; at ten
     * times the defaults 2.00-2.08 s, but a map of 100 000 trivial items took 0.042-0.050 s instead
     * of 0.029-0.033 in make bench, its per-item code reaching C2 that much later.
     */
    static final List<String> LATER_C2 = List.of("-XX:Tier4InvocationThreshold=15000",
            "-XX:Tier4MinInvocationThreshold=1800", "-XX:Tier4CompileThreshold=45000");
    /**
     * C1 sooner: a method is compiled by C1 after 20 calls instead of 200 (and the policy's other
     * C1 thresholds alike). A fresh cluster's first calls each run the same few hundred methods
     * of a server once (reading the chunk, decoding the call, answering), so with the default
     * the first 200 calls ran them in the interpreter. FreshApply (scratch, the bench's sequence,
     * 3 runs of 2 fresh clusters each, in turn): a fresh cluster's first 200 applies 1.55 -> 1.30
     * ms (medians), the first result 1.53-1.61 -> 1.65-1.76 s, for the C1 work moved into the start.
     */
    static final List<String> EARLY_C1 = List.of("-XX:Tier3InvocationThreshold=20",
            "-XX:Tier3MinInvocationThreshold=10", "-XX:Tier3CompileThreshold=200");
    /** How long {@link #stop} waits for a SIGTERM to end the JVM before it kills it. */
    private static final long STOP_GRACE_MS = 5_000;
    /** The same for a JVM that dumps a class-data-sharing archive as it exits, which takes seconds. */
    private static final long DUMP_GRACE_MS = 60_000;

    final String name;
    final int discoveryPort;
    final WorkerHandle handle;
    private final long stopGraceMs;

    private LocalServer(final String name, final int discoveryPort, final WorkerHandle handle, final long stopGraceMs) {
        this.name = name;
        this.discoveryPort = discoveryPort;
        this.handle = handle;
        this.stopGraceMs = stopGraceMs;
    }

    /**
     * Starts the JVM of server {@code name}; returns without waiting for its node to join.
     *
     * @param first whether it is the cluster's first server, which creates {@code readyFile} once
     *     it is up; the others wait for that file before they join (see {@link ServerNode})
     * @param addresses what its finder lists: its own address for the first, the first's for the others
     * @param archiveDump null, or the flags that make the JVM dump a class-data-sharing archive as
     *     it exits ({@link ServerArchive#build}) instead of using the one there is
     */
    static LocalServer start(final String name, final boolean first, final List<String> addresses,
            final int discoveryPort, final Path readyFile, final List<String> archiveDump) throws IOException {
        Thread t = Thread.currentThread();
        ClassLoader context = t.getContextClassLoader();
        List<ClassLoader> loaders = new ArrayList<>();
        loaders.add(LocalServer.class.getClassLoader());
        if (context != null) {
            loaders.add(context);
        }
        WorkerCommand[] command = new WorkerCommand[1];
        TaskPayload payload = TaskPayload.prepare(ServerNode.task(name, first, String.join(",", addresses), discoveryPort,
                readyFile.toString()),
                name, true, CurrentProcess.get().name(), used -> {
                    List<ClassLoader> all = new ArrayList<>(loaders);
                    all.addAll(used);
                    List<String> flags = new ArrayList<>(JvmOptions.all());
                    flags.add(HEAP);
                    flags.add(NO_MBEANS);
                    flags.addAll(LATER_C2);
                    flags.addAll(EARLY_C1);
                    WorkerCommand c = command(all).withFlags(flags);
                    command[0] = c.withArchive(archiveDump != null ? archiveDump
                            : ServerArchive.flags(c.bootClassPath()));
                    return command[0].userClassPath();
                });
        return new LocalServer(name, discoveryPort, Launcher.start(command[0], payload),
                archiveDump != null ? DUMP_GRACE_MS : STOP_GRACE_MS);
    }

    /**
     * The command of a server JVM whose tasks' classes come from {@code loaders}: a worker's, with
     * Ignite's jars, which ordinary workers are not given ({@code WorkerCommand.OMITTED_CLASS_PATH}),
     * and with Ignite's core jar, the cache API it needs and kernel-lib-cluster's on the JVM's own
     * class path. A server loads some 3 400 classes from them as it starts; from there they come
     * out of the server's archive ({@link ServerArchive}) without a read of the jar, where from the
     * task's class path each was read and inflated first (a third of the server's main thread
     * then: async-profiler, CPU, ~300 ms a server).
     */
    static WorkerCommand command(final List<ClassLoader> loaders) {
        return WorkerCommand.forLoaders(loaders, true).withBootClassPathOf(org.apache.ignite.Ignition.class,
                javax.cache.Cache.class, LocalServer.class);
    }

    /**
     * {@code n} discovery ports on 127.0.0.1 that nothing listens on now, from
     * {@link NodeConfig#DISCOVERY_PORTS}, starting at a random place so that two clusters started at
     * the same time by different users rarely race for the same ports (a server that loses such a
     * race fails to start, and says so).
     */
    static List<Integer> freeDiscoveryPorts(final int n) {
        int first = NodeConfig.DISCOVERY_PORTS[0];
        int span = NodeConfig.DISCOVERY_PORTS[1] - first + 1;
        int offset = ThreadLocalRandom.current().nextInt(span);
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < span && ports.size() < n; i++) {
            int port = first + (offset + i) % span;
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                ports.add(port);
            } catch (IOException taken) {
                // in use: try the next one
            }
        }
        if (ports.size() < n) {
            throw new IllegalStateException("only " + ports.size() + " of the discovery ports " + first + "-"
                    + NodeConfig.DISCOVERY_PORTS[1] + " on 127.0.0.1 are free, " + n + " are needed: "
                    + "close clusters you no longer use");
        }
        return ports;
    }

    long pid() {
        return handle.pid();
    }

    boolean isAlive() {
        return handle.isAlive();
    }

    /** Completes when the JVM has ended (at once if it already has). */
    CompletableFuture<?> exited() {
        return ProcessHandle.of(handle.pid()).<CompletableFuture<?>>map(ProcessHandle::onExit)
                .orElse(CompletableFuture.completedFuture(null));
    }

    /** Ends the JVM: SIGTERM (Ignite's and the worker's shutdown hooks run), SIGKILL after a few seconds. */
    void stop() throws InterruptedException {
        handle.terminate();
        if (!handle.awaitExit(stopGraceMs)) {
            handle.kill();
            handle.awaitExit(2000);
        }
    }
}
