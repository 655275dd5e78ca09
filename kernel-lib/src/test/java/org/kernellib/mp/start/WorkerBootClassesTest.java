package org.kernellib.mp.start;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.kernellib.mp.Multiprocessing;
import org.kernellib.mp.pool.Pool;
import org.kernellib.mp.process.Process;

/**
 * The classes a cold pool worker loads, read from its JVM's own class-loading log: what it loads
 * before its pool is ready is paid by every {@code new Pool(n)}, n times on n cores at once.
 */
class WorkerBootClassesTest {
    private static final String JVM_ARGS = "kernellib.worker.jvmArgs";

    /**
     * No lambda is linked on the way to HELLO: a JVM's first one bootstraps the lambda machinery
     * (about a hundred classes, method handles spun with ASM), milliseconds of a cold worker's CPU.
     * A pool started and closed without a call runs nothing but that way and its end. (What the
     * JDK loads before the worker's main class is the JDK's own boot, not looked at.)
     */
    @Test
    void aColdPoolWorkerLinksNoLambdaOnItsWayToReady(@TempDir final Path logs) throws Exception {
        List<String> loaded = classesLoadedByWorkers(logs, false);
        int main = loaded.indexOf(ChildMain.class.getName());
        assertTrue(main >= 0 && loaded.contains("org.kernellib.mp.pool.PoolWorkerLoop"),
                loaded.size() + " classes, no pool worker among them");
        List<String> lambda = loaded.subList(main, loaded.size()).stream()
                .filter(c -> c.equals("java.lang.invoke.LambdaMetafactory") || c.contains("$$Lambda"))
                .collect(Collectors.toList());
        assertEquals(List.of(), lambda, "linked a lambda before any call");
    }

    /**
     * The workers' class-data archive holds every class of the pool package a worker loads through
     * its first call (see {@link CdsArchive.Training}): one it lacks makes each cold worker open
     * kernel-lib's jar, then parse and verify the class, before its pool is ready. No lambda of
     * the pool's is among them: its proxy class would be spun at the first call, since the
     * archive's training runs no pool loop.
     */
    @Test
    void theArchiveTrainingLoadsEveryPoolClassAWorkerLoads(@TempDir final Path logs) throws Exception {
        List<String> pool = classesLoadedByWorkers(logs, true).stream()
                .filter(c -> c.startsWith("org.kernellib.mp.pool.")).collect(Collectors.toList());
        assertTrue(pool.contains("org.kernellib.mp.pool.PoolWorkerLoop"), "the log has the worker's classes: " + pool);
        List<String> untrained = pool.stream()
                .filter(c -> c.contains("$$Lambda") || !CdsArchive.Training.loadsPoolWorkerClass(c))
                .collect(Collectors.toList());
        assertEquals(List.of(), untrained, "loaded by a pool worker, not by the archive's training");
    }

    static int tally;

    /** A task by name whose own body concatenates nothing. */
    static void count(final int n) {
        tally += n;
    }

    /**
     * A cold worker reads a task that came by name (a method reference, or a lambda capturing
     * only strings and primitives) without bootstrapping an invokedynamic call site: its first
     * one, a string concatenation or a lambda, spins method handles for about 20 ms of a fresh
     * JVM (a cold start→join went from 38 to 60 ms when reading a reference concatenated a
     * descriptor). The JDK loads StringConcatFactory itself during its boot; what a bootstrap
     * loads is its invoker.
     */
    @Test
    void aColdWorkerReadsATaskByNameWithoutLinkingAConcatenationOrALambda(@TempDir final Path logs) throws Exception {
        int n = 3;
        List<String> loaded = classesLoadedByWorkers(logs, () -> {
            Multiprocessing.setStartMethod("spawn");
            Process p = new Process(() -> count(n));
            p.start();
            p.join();
            assertEquals(java.util.OptionalInt.of(0), p.exitCode());
        });
        int main = loaded.indexOf(ChildMain.class.getName());
        assertTrue(main >= 0, loaded.size() + " classes, no worker main among them");
        List<String> linked = loaded.subList(main, loaded.size()).stream()
                .filter(c -> c.equals("java.lang.invoke.BootstrapMethodInvoker") || c.equals("java.lang.invoke.LambdaMetafactory"))
                .collect(Collectors.toList());
        assertEquals(List.of(), linked, "the worker linked a concatenation or a lambda to read its task");
    }

    /** The classes one cold pool worker loaded, in order; with {@code map}, through one map call. */
    private static List<String> classesLoadedByWorkers(final Path logs, final boolean map) throws Exception {
        return classesLoadedByWorkers(logs, () -> {
            Multiprocessing.setStartMethod("spawn");
            try (Pool p = new Pool(1)) {
                if (map) {
                    assertEquals(List.of(2, 3), p.map(x -> x + 1, List.of(1, 2)));
                }
            }
        });
    }

    /** The classes the one cold worker that {@code action} starts loaded, in order. */
    private static List<String> classesLoadedByWorkers(final Path logs, final Executable action) throws Exception {
        String old = System.getProperty(JVM_ARGS);
        System.setProperty(JVM_ARGS, "-Xlog:class+load:file=" + logs.resolve("classes-%p.log"));
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(60), action);
        } finally {
            if (old == null) {
                System.clearProperty(JVM_ARGS);
            } else {
                System.setProperty(JVM_ARGS, old);
            }
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> d = Files.newDirectoryStream(logs, "classes-*.log")) {
            d.forEach(files::add);
        }
        assertEquals(1, files.size(), "one worker, one log: " + files);
        // close() returns once the worker ended, so its log is complete; lines read
        // "[0.123s][info][class,load] java.lang.Object source: shared objects file"
        List<String> classes = new ArrayList<>();
        for (String line : Files.readAllLines(files.get(0))) {
            int at = line.indexOf("[class,load] ");
            int end = line.indexOf(" source: ");
            if (at >= 0 && end > at) {
                classes.add(line.substring(at + "[class,load] ".length(), end));
            }
        }
        assertFalse(classes.isEmpty(), "no class+load lines in " + files.get(0));
        return classes;
    }
}
