package org.kernellib.mp.start;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;

import org.kernellib.mp.connection.Frame;
import org.kernellib.mp.connection.FrameChannel;
import org.kernellib.mp.connection.FrameDescriptor;
import org.kernellib.mp.process.ExitCode;
import org.kernellib.mp.serial.TaskPayload;

/**
 * The AppCDS archive that makes a cold worker start faster: the classes a worker loads (JDK ones
 * beyond the JDK's default archive, and kernel-lib's), parsed and verified once, then mapped by
 * every worker JVM.
 *
 * <p>Build it at set-up time with {@code java -cp <kernel-lib.jar:...> org.kernellib.mp.start.CdsArchive}
 * (prints the archive path). It is made with {@code -XX:ArchiveClassesAtExit} by a real worker
 * running a training task, for the exact {@code java} and kernel-lib jar in use, so the file name
 * carries a hash of both. Workers use it with {@code -XX:SharedArchiveFile} when the file exists
 * and run without it otherwise; a JVM that rejects it (another JDK build, a changed jar) silently
 * falls back to normal loading, with CDS logging switched off so no warning reaches a notebook.
 *
 * <p>The archive is dumped with the workers' boot class path (kernel-lib and ASM, see
 * {@link WorkerCommand}), which does not change when a notebook adds jars, so the archive keeps
 * applying. CDS cannot archive classes from directories, so with kernel-lib as a
 * {@code target/classes} directory there is no archive.
 *
 * <p>Other kinds of worker keep archives of their own here, named by kind and keyed the same way
 * ({@link #archivePath(String, List)}): a cluster's server JVM has one for Ignite's classes.
 */
public final class CdsArchive {
    static final List<String> QUIET = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");

    private CdsArchive() {
    }

    /** Builds (or rebuilds) the archive for this JVM and kernel-lib jar and prints its path. */
    public static void main(final String[] args) throws Exception {
        Path p = build();
        System.out.println(p);
        System.exit(0);
    }

    /** Where the archive for this JVM and this boot class path lives, if one can exist. */
    public static Optional<Path> archivePath(final List<String> bootClassPath) {
        return archivePath("worker", bootClassPath);
    }

    /**
     * Where the archive of workers of kind {@code kind} lives for this JVM and these jars (the
     * boot class path first, then any jar whose classes the archive holds), if one can exist:
     * its name carries a hash of the JVM and of each jar's path, size and time, so a rebuilt jar
     * or another JDK looks for another file.
     */
    public static Optional<Path> archivePath(final String kind, final List<String> jars) {
        if (jars.isEmpty() || !jars.stream().allMatch(e -> e.endsWith(".jar"))) {
            return Optional.empty();
        }
        try {
            StringBuilder key = new StringBuilder(System.getProperty("java.home") + "\n"
                    + System.getProperty("java.vm.version"));
            for (String e : jars) {
                Path jar = Paths.get(e);
                key.append('\n').append(jar.toAbsolutePath()).append(' ').append(Files.size(jar)).append(' ')
                        .append(Files.getLastModifiedTime(jar).toMillis());
            }
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.toString().getBytes(StandardCharsets.UTF_8));
            return Optional.of(directory(jars).resolve(kind + "-" + HexFormat.of().formatHex(h, 0, 8) + ".jsa"));
        } catch (IOException | NoSuchAlgorithmException e) {
            return Optional.empty();
        }
    }

    /**
     * Next to the kernel-lib jar ({@code target/cds/} in a build): the archive belongs to that jar,
     * goes away with it on {@code mvn clean}, and set-up writes nothing outside the repository.
     * The system property {@code kernellib.cds.dir} overrides it.
     */
    private static Path directory(final List<String> bootClassPath) {
        String d = System.getProperty("kernellib.cds.dir");
        if (d != null && !d.isBlank()) {
            return Paths.get(d);
        }
        Path jarDir = Paths.get(bootClassPath.get(0)).toAbsolutePath().getParent();
        return jarDir.resolve("cds");
    }

    /** The flags that make a worker use the archive, or none when it is not there. */
    static List<String> flagsFor(final List<String> bootClassPath) {
        return flagsFor(archivePath(bootClassPath));
    }

    /**
     * The flags that make a JVM use {@code archive}, or none when it is not there. A JVM that
     * finds the archive does not fit (another JDK build, another class path) runs without it, and
     * says nothing.
     */
    public static List<String> flagsFor(final Optional<Path> archive) {
        if (archive.isEmpty() || !Files.isRegularFile(archive.get())) {
            return List.of();
        }
        List<String> f = new ArrayList<>();
        f.add("-XX:SharedArchiveFile=" + archive.get());
        f.addAll(QUIET);
        return f;
    }

    /** The flags that make a JVM dump an archive of the classes it loaded to {@code file} as it exits. */
    public static List<String> dumpFlags(final Path file) {
        List<String> f = new ArrayList<>();
        f.add("-XX:ArchiveClassesAtExit=" + file);
        f.addAll(QUIET);
        return f;
    }

    /**
     * Moves a freshly dumped archive into place in one step, so that a JVM starting meanwhile
     * sees the old file or the new one, never half of one; removes {@code dumped} if that fails.
     */
    public static void install(final Path dumped, final Path target) {
        try {
            Files.move(dumped, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(dumped);
            } catch (IOException ignored) {
                // the move's failure is the one to report
            }
            throw new UncheckedIOException("cannot install the archive " + target, e);
        }
    }

    /** Dumps the archive by running one training task in a worker. */
    public static Path build() throws IOException, InterruptedException {
        WorkerCommand normal = WorkerCommand.forLoaders(List.of(ClassLoader.getSystemClassLoader()));
        List<String> boot = normal.bootClassPath();
        Path target = archivePath(boot).orElseThrow(() -> new IllegalStateException(
                "kernel-lib is loaded from " + boot + ", not from jars; CDS can only archive classes from jars"));
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        List<String> flags = new ArrayList<>(WorkerCommand.BASE_FLAGS);
        flags.addAll(dumpFlags(tmp));
        WorkerCommand cmd = new WorkerCommand(WorkerCommand.javaExecutable(), boot, flags, List.of());
        TaskPayload payload = TaskPayload.prepare(Training.task(), "cds-training", false, "MainProcess",
                loaders -> normal.userClassPath());
        WorkerHandle h = Launcher.start(cmd, payload);
        h.awaitExit();
        int code = h.reap(0, 2000).orElseThrow();
        if (code != 0 || !Files.isRegularFile(tmp)) {
            Files.deleteIfExists(tmp);
            throw new IOException("the training worker " + ExitCode.describe(code) + " and left no archive");
        }
        install(tmp, target);
        return target;
    }

    /**
     * What a typical worker does: print, use collections and lambdas, look for a shipped class,
     * and load a class the way a task sent by name is loaded (from a class path directory, where
     * the parent said it is, then called reflectively), so the classes of each path are archived.
     */
    static final class Training {
        /**
         * Class file name prefixes of what a pool worker runs (see loadPoolWorkerClasses): its loop,
         * which makes a ChunkExecution before it says HELLO, and what a chunk needs (a function by name among it).
         */
        private static final List<String> POOL_WORKER_CLASSES = List.of("org/kernellib/mp/pool/PoolWorkerLoop",
                "org/kernellib/mp/pool/PoolCodec", "org/kernellib/mp/pool/PoolProtocol", "org/kernellib/mp/pool/BulkPayloads",
                "org/kernellib/mp/pool/PoolException", "org/kernellib/mp/pool/ChunkExecution",
                "org/kernellib/mp/pool/Serializable", "org/kernellib/mp/pool/MethodFunction");

        private Training() {
        }

        static org.kernellib.mp.process.Task task() {
            List<Integer> xs = new ArrayList<>(List.of(2, 3, 8, 9));
            return () -> {
                List<Integer> out = new ArrayList<>();
                xs.forEach(x -> out.add(x * x));
                System.out.println("training " + out + " " + String.format("%d", out.size()));
                try {
                    Class.forName("org.kernellib.mp.start.NoSuchShippedClass", false,
                            Thread.currentThread().getContextClassLoader());
                } catch (ClassNotFoundException expected) {
                    // the round trip to the parent is what was wanted
                }
                loadByName();
                socketRoundTrip();
                loadPoolWorkerClasses();
            };
        }

        /** Whether the training loads the class with this binary name among a pool worker's own. */
        static boolean loadsPoolWorkerClass(final String binaryName) {
            String n = binaryName.replace('.', '/');
            for (String prefix : POOL_WORKER_CLASSES) {
                if (n.startsWith(prefix)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Loads the classes of a pool worker's own side (its loop, the chunk codec), so they are
         * archived too: otherwise every cold pool worker opens kernel-lib's jar and parses and
         * verifies them while its pool waits. Found by name in kernel-lib's jar, because the pool
         * package depends on this one, not the other way round.
         */
        private static void loadPoolWorkerClasses() throws Exception {
            java.net.URL self = Training.class.getProtectionDomain().getCodeSource().getLocation();
            try (java.util.jar.JarFile jar = new java.util.jar.JarFile(Paths.get(self.toURI()).toFile())) {
                for (java.util.jar.JarEntry e : java.util.Collections.list(jar.entries())) {
                    String n = e.getName();
                    if (n.endsWith(".class") && loadsPoolWorkerClass(n)) {
                        Class.forName(n.substring(0, n.length() - 6).replace('/', '.'), false,
                                Training.class.getClassLoader());
                    }
                }
            }
        }

        /**
         * Connects to a Unix-domain socket and sends one frame, as a task calling a manager does
         * first: in a fresh JVM that initialisation (NIO's selector provider, the socket support's
         * random source, their lambdas) costs tens of milliseconds, which the archive turns into
         * mapping.
         */
        private static void socketRoundTrip() throws Exception {
            Path dir = Files.createTempDirectory("kernel-lib-cds-socket");
            Path socket = dir.resolve("training.sock");
            try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                server.bind(UnixDomainSocketAddress.of(socket));
                try (FrameChannel client = FrameChannel.connect(socket);
                        FrameChannel accepted = new FrameChannel(server.accept())) {
                    // As a pool worker's loop does, frames go from a reader thread over a blocking queue.
                    LinkedBlockingQueue<Frame> inbox = new LinkedBlockingQueue<>();
                    Thread reader = new Thread(new Runnable() {
                        @Override
                        public void run() {
                            try {
                                inbox.add(accepted.receive());
                            } catch (IOException e) {
                                inbox.add(new Frame((byte) 0, 0, new byte[0]));
                            }
                        }
                    }, "kernel-lib-cds-reader");
                    reader.start();
                    client.send(FrameDescriptor.READY, 0, new byte[] {1});
                    inbox.take();
                    reader.join();
                }
            } finally {
                Files.deleteIfExists(socket);
                Files.deleteIfExists(dir);
            }
        }

        /** Copies {@link Probe} into a scratch class path directory and runs it from there by name. */
        private static void loadByName() throws Exception {
            Path dir = Files.createTempDirectory("kernel-lib-cds-training");
            try {
                String file = Probe.class.getName().replace('.', '/') + ".class";
                Path copy = dir.resolve(file);
                Files.createDirectories(copy.getParent());
                try (java.io.InputStream in = Training.class.getClassLoader().getResourceAsStream(file)) {
                    Files.copy(in, copy);
                }
                // Under the platform loader, so the copy is found only where the hint says.
                ClassPathLoader loader = new ClassPathLoader(List.of(dir.toString()),
                        ClassLoader.getPlatformClassLoader());
                loader.hint(java.util.Map.of(Probe.class.getName(), dir.toString()));
                new org.kernellib.mp.serial.TaskReference(Probe.class.getName(), "run", "()V", List.of())
                        .resolve(loader).run();
                new org.kernellib.mp.serial.TaskReference(Probe.class.getName(), "greet", "(Ljava/lang/String;I)V",
                        List.of("by name", 2)).resolve(loader).run();
                loader.close();
            } finally {
                try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
                    all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** The class {@link Training} loads by name; it needs nothing but java.base. */
    static final class Probe {
        private Probe() {
        }

        static void run() {
            System.out.println("training by name");
        }

        static void greet(final String what, final int times) {
            for (int i = 0; i < times; i++) {
                System.out.println(new StringBuilder("training ").append(what).append(' ').append(i));
            }
        }
    }
}
