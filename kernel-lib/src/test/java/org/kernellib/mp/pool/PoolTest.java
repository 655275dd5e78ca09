package org.kernellib.mp.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kernellib.mp.process.ProcessInfo;

/** The pool from plain Java: functions come from the test class path. One warm pool serves most tests. */
class PoolTest {
    private static Pool pool;

    @BeforeAll
    static void open() {
        pool = new Pool(2);
    }

    @AfterAll
    static void shut() {
        List<Long> pids = pool.allWorkerPids();
        pool.close();
        assertNoneAlive(pids);
    }

    static List<Integer> range(final int n) {
        return IntStream.range(0, n).boxed().collect(Collectors.toList());
    }

    static void assertNoneAlive(final List<Long> pids) {
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "worker " + pid + " still alive");
        }
    }

    static int sleepThenSquare(final int x) throws InterruptedException {
        Thread.sleep(x);
        return x * x;
    }

    static int failOnFive(final int x) {
        if (x == 5) {
            throw new IllegalStateException("five is bad");
        }
        return x;
    }

    @Test
    void mapReturnsResultsInInputOrderWithAnyChunkSize() {
        List<Integer> in = range(1000);
        List<Integer> expected = in.stream().map(x -> x * x).collect(Collectors.toList());
        assertEquals(expected, pool.map(x -> x * x, in));
        assertEquals(expected, pool.map(x -> x * x, in, 7));
        assertEquals(expected, pool.map(x -> x * x, in, 5000));
        assertEquals(List.of(), pool.map(x -> x, List.of()));
        assertEquals(125, pool.defaultChunksize(1000)); // ceil(1000 / (4 * 2))
        assertEquals(1, pool.defaultChunksize(3));
        assertEquals(0, pool.defaultChunksize(0));
    }

    /** Bytes that depend on {@code seed} and on their place, so a piece put back out of order shows. */
    static byte[] pattern(final int seed, final int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed * 7 + (i >> 12));
        }
        return b;
    }

    /** Even seeds: over a pipe's atomic write, under a bulk file's size; odd seeds: a bulk file's size. */
    static int resultSize(final int seed) {
        return (seed % 2 == 0 ? 20_000 : 300_000) + seed;
    }

    @Test
    void largeItemsAndResultsComeBackWholeWhileTheWorkersPrintOnStderr() throws Exception {
        // A 20 kB result comes back in pieces of one atomic pipe write each, and the worker's text
        // to stderr lands between them without spoiling either; a 300 kB one comes as a file,
        // which the pool deletes once read.
        List<byte[]> results = pool.map(seed -> {
            byte[] out = pattern(seed, resultSize(seed));
            for (int i = 0; i < 20; i++) {
                System.err.println("noise " + seed + " " + i);
            }
            return out;
        }, range(6), 1);
        for (int seed = 0; seed < 6; seed++) {
            assertTrue(java.util.Arrays.equals(pattern(seed, resultSize(seed)), results.get(seed)), "result " + seed);
        }
        try (java.util.stream.Stream<java.nio.file.Path> left = java.nio.file.Files.list(
                org.kernellib.mp.shared.memory.RuntimeDir.get())) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("pool-bulk-"))
                    .collect(Collectors.toList()), "bulk files left behind");
        }
        byte[] big = pattern(99, 2_000_000);
        int hash = pool.<byte[], Integer>apply(b -> java.util.Arrays.hashCode(b), big);
        assertEquals(java.util.Arrays.hashCode(big), hash, "a large item reaches the worker whole");
    }

    @Test
    void workRunsInTheWorkersNotHere() {
        Set<Long> pids = new HashSet<>(pool.map(x -> {
            Thread.sleep(50);
            return ProcessHandle.current().pid();
        }, range(8), 1));
        assertFalse(pids.contains(ProcessHandle.current().pid()));
        Set<Long> workers = pool.workers().stream().map(ProcessInfo::pid).collect(Collectors.toSet());
        assertEquals(workers, pids, "both workers took chunks");
    }

    @Test
    void imapIsInOrderAndImapUnorderedYieldsAsResultsArrive() {
        List<Integer> in = List.of(600, 10, 20, 30);
        List<Integer> ordered = new ArrayList<>();
        for (int r : pool.<Integer, Integer>imap(PoolTest::sleepThenSquare, in)) {
            ordered.add(r);
        }
        assertEquals(List.of(360000, 100, 400, 900), ordered);
        List<Integer> unordered = new ArrayList<>();
        pool.<Integer, Integer>imapUnordered(PoolTest::sleepThenSquare, in).forEachRemaining(unordered::add);
        assertEquals(Set.of(360000, 100, 400, 900), new HashSet<>(unordered));
        assertEquals(360000, unordered.get(3), "the slow item comes last: " + unordered);
    }

    @Test
    void anImapLeftEarlyCanBeCancelled() {
        ResultIterator<Integer> it = pool.imap(PoolTest::sleepThenSquare, List.of(10, 10, 10, 300, 300, 300, 300, 300));
        assertEquals(100, it.next());
        it.cancel();
        assertThrows(PoolException.class, () -> {
            while (it.hasNext()) {
                it.next();
            }
        });
        assertEquals(List.of(1), pool.map(x -> x, List.of(1)));
    }

    @Test
    void starmapApplyAndAsyncResults() throws Exception {
        assertEquals(List.of(6, 20), pool.starmap((a, b) -> a * b, List.of(Map.entry(2, 3), Map.entry(4, 5))));
        assertEquals(List.of(6, 15), pool.starmap(a -> (int) a[0] + (int) a[1] + (int) a[2],
                List.of(List.of(1, 2, 3), List.of(4, 5, 6))));
        assertEquals("HELLO", pool.apply(String::toUpperCase, "hello"));
        AsyncResult<Integer> slow = pool.applyAsync(PoolTest::sleepThenSquare, 700);
        assertFalse(slow.ready());
        assertThrows(IllegalStateException.class, slow::successful);
        assertThrows(TimeoutException.class, () -> slow.get(Duration.ofMillis(50)));
        AsyncResult<List<Integer>> m = pool.mapAsync(x -> x + 1, range(10));
        assertEquals(range(11).subList(1, 11), m.get(Duration.ofSeconds(20)));
        assertTrue(m.ready() && m.successful());
        assertTrue(slow.waitFor(Duration.ofSeconds(20)));
        assertEquals(490000, slow.get());
        assertTrue(slow.successful());
    }

    @Test
    void aTaskExceptionReachesTheCallerWithTheRemoteTraceAndThePoolStaysUsable() {
        PoolTaskException e = assertThrows(PoolTaskException.class, () -> pool.map(PoolTest::failOnFive, range(20), 3));
        assertTrue(e.getMessage().contains("PoolWorker-") && e.getMessage().contains("pid " + e.workerPid()), e.getMessage());
        assertTrue(e.getMessage().contains("item #5"), e.getMessage());
        assertEquals(5, e.itemIndex().getAsInt());
        IllegalStateException cause = assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals("five is bad", cause.getMessage());
        assertTrue(e.remoteTrace().contains("failOnFive"), e.remoteTrace());
        assertTrue(cause.getSuppressed()[0] instanceof RemoteException);
        AsyncResult<Integer> a = pool.applyAsync(PoolTest::failOnFive, 5);
        a.waitFor();
        assertFalse(a.successful());
        assertEquals(List.of(1, 2), pool.map(x -> x, List.of(1, 2)));
    }

    @Test
    void unserializableFunctionsItemsAndResultsAreNamed() {
        Object lock = new Object();
        PoolException f = assertThrows(PoolException.class, () -> pool.map(x -> x + lock.hashCode(), List.of(1)));
        assertTrue(f.getMessage().contains("captured value #1 of type java.lang.Object"), f.getMessage());
        PoolException i = assertThrows(PoolException.class, () -> pool.map(x -> 1, List.of(1, new Object())));
        assertTrue(i.getMessage().contains("item #1 (a java.lang.Object)"), i.getMessage());
        PoolTaskException r = assertThrows(PoolTaskException.class, () -> pool.map(x -> x == 2 ? new Object() : x, List.of(1, 2, 3)));
        assertTrue(r.getMessage().contains("cannot send the result of item #1 (a java.lang.Object) to another process"),
                r.getMessage());
        assertEquals(List.of(1), pool.map(x -> x, List.of(1)));
    }

    @Test
    void anOutOfMemoryErrorIsReportedAndTheWorkerReplaced() throws Exception {
        PoolTaskException e = assertThrows(PoolTaskException.class,
                () -> pool.map(x -> new long[Integer.MAX_VALUE - 2].length, List.of(1)));
        assertInstanceOf(OutOfMemoryError.class, e.getCause());
        long end = System.nanoTime() + 10_000_000_000L;
        while (ProcessHandle.of(e.workerPid()).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertFalse(ProcessHandle.of(e.workerPid()).map(ProcessHandle::isAlive).orElse(false), "a worker after OOM is not reused");
        assertEquals(List.of(3, 4), pool.map(x -> x + 1, List.of(2, 3)));
        while (pool.workers().size() < 2 && System.nanoTime() < end) {
            Thread.sleep(20); // the replacement, so later tests see two workers
        }
        assertEquals(2, pool.workers().size());
    }
}
