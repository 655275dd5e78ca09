package org.kernellib.mp.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.kernellib.mp.connection.Connection;
import org.kernellib.mp.shared.queue.Queue;
import org.kernellib.mp.shared.sync.Lock;
import org.kernellib.mp.shared.testing.ChildJvm;
import org.kernellib.mp.shared.memory.RuntimeDir;

class SharedStateTest {

    private static Set<Path> files() throws Exception {
        try (Stream<Path> s = Files.list(RuntimeDir.get())) {
            return s.collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void unlinkingEveryKindLeavesNoFileInTheRuntimeDirectory() throws Exception {
        Set<Path> before = files();
        List<SharedObject> all = new ArrayList<>();
        all.add(SharedState.intValue(1));
        all.add(SharedState.rawLongValue(2));
        all.add(SharedState.doubleArray(3));
        all.add(SharedState.rawByteArray(4));
        all.add(SharedState.lock());
        all.add(SharedState.rlock());
        all.add(SharedState.semaphore(2));
        all.add(SharedState.boundedSemaphore(2));
        all.add(SharedState.event());
        all.add(SharedState.condition());
        all.add(SharedState.barrier(2));
        all.add(SharedState.queue());
        all.add(SharedState.joinableQueue());
        all.add(SharedState.simpleQueue());
        Connection[] pipe = SharedState.pipe();
        all.add(pipe[0]);
        Set<Path> during = files();
        during.removeAll(before);
        assertTrue(during.size() >= all.size(), "expected a file per object, got " + during);
        for (SharedObject o : all) {
            o.unlink();
            o.close();
        }
        pipe[1].close();
        Set<Path> after = files();
        after.removeAll(before);
        assertEquals(Set.of(), after, "files left behind");
    }

    /** Child: create a queue and a lock, print their paths, exit normally. */
    static void createAndExit(final Object[] a) {
        Queue<Integer> q = SharedState.queue();
        q.put(1);
        System.out.println("PATHS " + q.path() + " " + SharedState.lock().path());
    }

    @Test
    void aCreatorsFilesGoAwayWhenItExits() {
        try (ChildJvm child = ChildJvm.start(SharedStateTest.class, "createAndExit")) {
            String[] paths = child.awaitLine("PATHS", 30_000).split(" ");
            child.assertSuccess(30_000);
            for (String p : paths) {
                assertFalse(Files.exists(Paths.get(p)), p + " survived its creator");
                assertFalse(Files.exists(Paths.get(p).getParent()), "runtime directory survived its creator");
            }
        }
    }

    @Test
    void anInterruptedWaitGivesUpAndSaysWhy() throws Exception {
        try (Lock lock = SharedState.lock(); Queue<Integer> q = SharedState.queue()) {
            lock.acquire();
            AtomicReference<Throwable> lockErr = new AtomicReference<>();
            AtomicReference<Throwable> queueErr = new AtomicReference<>();
            Thread a = new Thread(() -> {
                try {
                    lock.acquire();
                } catch (Throwable t) {
                    lockErr.set(t);
                }
            });
            Thread b = new Thread(() -> {
                try {
                    q.get(Duration.ofSeconds(30));
                } catch (Throwable t) {
                    queueErr.set(t);
                }
            });
            a.start();
            b.start();
            Thread.sleep(50);
            a.interrupt();
            b.interrupt();
            a.join(5_000);
            b.join(5_000);
            assertFalse(a.isAlive() || b.isAlive(), "an interrupted wait did not end");
            assertTrue(lockErr.get() instanceof WaitInterruptedException, String.valueOf(lockErr.get()));
            assertTrue(queueErr.get() instanceof WaitInterruptedException, String.valueOf(queueErr.get()));
            assertTrue(lockErr.get().getMessage().contains("Lock"), lockErr.get().getMessage());
            lock.release();
            lock.unlink();
            q.unlink();
        }
    }

    @Test
    void pythonStyleFactoriesNameUnsupportedTypesAndWrongValues() {
        try (SharedData v = SharedState.value("i", 5); SharedData a = SharedState.array("d", new double[] {1, 2});
             SharedData l = SharedState.value("l", 7)) {
            assertEquals("Value('i', 5)", v.toString());
            assertEquals("[1.0, 2.0]", a.toString());
            assertTrue(l instanceof LongValue);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SharedState.value("x", 1));
            assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("'i' (int)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> SharedState.value("i", 2.5));
            assertTrue(e.getMessage().contains("Double 2.5") && e.getMessage().contains("an int"), e.getMessage());
            try (SharedData chars = SharedState.array("u", "hi"); SharedData flag = SharedState.value("?", true)) {
                assertEquals("[h, i]", chars.toString());
                assertEquals("Value('?', true)", flag.toString());
                chars.unlink();
                flag.unlink();
            }
            e = assertThrows(IllegalArgumentException.class, () -> SharedState.value("?", 1));
            assertTrue(e.getMessage().contains("Boolean") && e.getMessage().contains("Integer 1"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> SharedState.array("i", "abc"));
            assertTrue(e.getMessage().contains("String abc") && e.getMessage().contains("int[]"), e.getMessage());
            v.unlink();
            a.unlink();
            l.unlink();
        }
    }

    @Test
    void factoriesNameTheArgumentThatIsWrong() throws Exception {
        assertMessage(() -> SharedState.value(null, 1), "Value(typecode, initial): typecode must be one of", "got null");
        assertMessage(() -> SharedState.array("", 3), "Array(typecode, sizeOrValues): typecode must be one of", "got ''");
        assertMessage(() -> SharedState.value("i", null), "initial must be an int for typecode 'i', got null");
        assertMessage(() -> SharedState.value("d", "1.5"), "initial must be a number for typecode 'd', got String 1.5");
        assertMessage(() -> SharedState.value("u", 'x'), "typecode 'u' has arrays but no single-element value");
        assertMessage(() -> SharedState.array("d", null), "sizeOrValues must be a length (Integer) or a double[]", "got null");
        assertMessage(() -> SharedState.array("u", 2.0), "a char[] or a String for typecode 'u', got Double 2.0");
        assertMessage(() -> SharedState.intArrayOf((int[]) null), "values must be an int[], got null");
        assertMessage(() -> SharedState.condition(null), "condition(lock): lock must be a shared Lock or RLock, got null");
        long before = filesInRuntimeDir();
        assertMessage(() -> IntValue.create(1, null), "lock must be a shared Lock or RLock, got null", "RawIntValue");
        assertMessage(() -> DoubleArray.create(4, null), "lock must be a shared Lock or RLock, got null", "RawDoubleArray");
        assertEquals(before, filesInRuntimeDir(), "a refused factory call must not leave a file behind");
        try (SharedData longs = SharedState.array("l", new long[] {1, 2}); SharedData text = SharedState.array("u", "hi")) {
            assertTrue(longs instanceof LongArray && "[1, 2]".equals(longs.toString()), longs.toString());
            assertEquals("[h, i]", text.toString());
            longs.unlink();
            text.unlink();
        }
    }

    private static void assertMessage(final Executable call, final String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
        }
    }

    private static long filesInRuntimeDir() throws Exception {
        try (Stream<Path> files = Files.list(RuntimeDir.get())) {
            return files.count();
        }
    }

    @Test
    void attachingToAnUnlinkedObjectSaysItIsGone() {
        IntValue v = SharedState.intValue(1);
        byte[] bytes = org.kernellib.mp.shared.testing.Serial.serialize(v);
        v.unlink();
        Exception e = assertThrows(Exception.class, () -> org.kernellib.mp.shared.testing.Serial.deserialize(bytes));
        assertTrue(String.valueOf(e.getMessage()).contains("no longer exists"), String.valueOf(e));
        v.close();
    }
}
