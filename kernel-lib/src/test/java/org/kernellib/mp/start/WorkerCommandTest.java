package org.kernellib.mp.start;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker's class path: the parent's, less what the kernel keeps to itself (Ignite's jars). */
class WorkerCommandTest {
    @Test
    void entriesNamedInThePropertyAreLeftOutUnlessTheCommandAsksForThem(@TempDir final Path dir) throws Exception {
        String tables = dir.resolve("tables.jar").toString();
        String ignite = dir.resolve("ignite-core.jar").toString();
        String cluster = dir.resolve("kernel-lib-cluster.jar").toString();
        String before = System.getProperty(WorkerCommand.OMITTED_CLASS_PATH);
        try (URLClassLoader notebook = new URLClassLoader(new URL[] {url(tables), url(ignite), url(cluster)},
                ClassLoader.getPlatformClassLoader())) {
            System.setProperty(WorkerCommand.OMITTED_CLASS_PATH, ignite + File.pathSeparator + cluster);
            List<String> worker = WorkerCommand.forLoaders(List.of(notebook)).userClassPath();
            assertTrue(worker.contains(tables), worker.toString());
            assertEquals(worker, WorkerCommand.userClassPath(List.of(notebook)), "a pool's shortcut to the same list");
            assertFalse(worker.contains(ignite) || worker.contains(cluster), worker.toString());
            List<String> server = WorkerCommand.forLoaders(List.of(notebook), true).userClassPath();
            assertEquals(List.of(tables, ignite, cluster), server.subList(server.size() - 3, server.size()),
                    "in the loader's order");

            System.clearProperty(WorkerCommand.OMITTED_CLASS_PATH);
            assertEquals(server, WorkerCommand.forLoaders(List.of(notebook)).userClassPath(), "nothing left out by default");
        } finally {
            if (before == null) {
                System.clearProperty(WorkerCommand.OMITTED_CLASS_PATH);
            } else {
                System.setProperty(WorkerCommand.OMITTED_CLASS_PATH, before);
            }
        }
    }

    /** A loader a jar can be added to while it is in use, as JJava's %jars does. */
    private static final class GrowingLoader extends URLClassLoader {
        GrowingLoader(final URL... urls) {
            super(urls, ClassLoader.getPlatformClassLoader());
        }

        void add(final URL u) {
            addURL(u);
        }
    }

    @Test
    void aPoolsClassPathIsWorkedOutAgainOnlyWhenALoaderOrThePropertyChanged(@TempDir final Path dir) throws Exception {
        String first = dir.resolve("first.jar").toString();
        String added = dir.resolve("added.jar").toString();
        try (GrowingLoader notebook = new GrowingLoader(url(first))) {
            List<String> a = WorkerCommand.userClassPath(List.of(notebook));
            assertSame(a, WorkerCommand.userClassPath(List.of(notebook)), "unchanged: the same answer, not worked out again");

            notebook.add(url(added));
            List<String> b = WorkerCommand.userClassPath(List.of(notebook));
            assertTrue(b.contains(added), "a jar added to the loader is on the class path at the next call: " + b);
            try (GrowingLoader other = new GrowingLoader(url(first))) {
                assertFalse(WorkerCommand.userClassPath(List.of(other)).contains(added), "another loader, its own entries");
            }
            assertEquals(b, WorkerCommand.userClassPath(List.of(notebook)));
        }
    }

    @Test
    void entriesMovedToTheJvmsOwnClassPathLeaveTheTasksAndKeepTheirOrder() {
        WorkerCommand c = WorkerCommand.forLoaders(List.of(WorkerCommandTest.class.getClassLoader()), true);
        String junit = WorkerCommand.locationOf(Test.class);
        String assertions = WorkerCommand.locationOf(org.junit.jupiter.api.Assertions.class);
        assertTrue(c.userClassPath().contains(junit), "the test's class path is the task's: " + c.userClassPath());
        WorkerCommand moved = c.withBootClassPathOf(Test.class, org.junit.jupiter.api.Assertions.class);

        List<String> boot = new java.util.ArrayList<>(c.bootClassPath());
        if (!boot.contains(junit)) {
            boot.add(junit);
        }
        if (!boot.contains(assertions)) {
            boot.add(assertions); // the same jar as Test's: once
        }
        assertEquals(boot, moved.bootClassPath(), "after kernel-lib's, in the order asked, each once");
        List<String> rest = new java.util.ArrayList<>(c.userClassPath());
        rest.removeAll(boot);
        assertEquals(rest, moved.userClassPath(), "the others as they were, without the moved ones");
        String cp = moved.argv(false).get(moved.argv(false).indexOf("-cp") + 1);
        assertEquals(String.join(File.pathSeparator, boot), cp, "the JVM is started with them");
        assertEquals(c.flags(), moved.flags());
    }

    private static URL url(final String path) throws Exception {
        return new File(path).toURI().toURL();
    }
}
