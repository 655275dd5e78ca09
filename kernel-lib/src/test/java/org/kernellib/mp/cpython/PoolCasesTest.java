package org.kernellib.mp.cpython;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kernellib.mp.pool.AsyncResult;
import org.kernellib.mp.pool.Pool;
import org.kernellib.mp.pool.PoolException;
import org.kernellib.mp.pool.PoolTaskException;
import org.kernellib.mp.pool.ResultIterator;

/**
 * CPython's {@code _TestPool}, {@code _TestPoolWorkerErrors} and {@code _TestPoolWorkerLifetime}
 * cases ({@code Lib/test/_test_multiprocessing.py}), with the Java names ({@code map_async} is
 * {@code mapAsync}, {@code imap_unordered} is {@code imapUnordered}, Python's
 * {@code multiprocessing.TimeoutError} is {@link TimeoutException}).
 *
 * <p>Differences on purpose, listed in the README: {@code close()} (and so try-with-resources)
 * waits for submitted work, where Python's {@code with Pool()} terminates; a task's exception
 * arrives as a {@link PoolTaskException} whose cause is the task's own exception (of its own
 * type, with the worker's trace), where Python re-raises the task's exception; an exception
 * thrown by the input iterable itself is raised as it is, as in Python. {@code maxTasksPerChild}
 * 0 means no limit (Python's {@code None}). Not ported: the cases about Python's garbage
 * collector and warnings.
 */
class PoolCasesTest {
    private static final Duration LONG = Duration.ofSeconds(120);
    private static Pool pool;

    @BeforeAll
    static void setUpClass() {
        pool = new Pool(4);
    }

    @AfterAll
    static void tearDownClass() {
        pool.terminate();
        pool.join();
    }

    static int sqr(final int x) {
        return x * x;
    }

    static int sqrAfter(final int x, final long waitMillis) throws InterruptedException {
        Thread.sleep(waitMillis);
        return x * x;
    }

    static int mul(final int x, final int y) {
        return x * y;
    }

    static List<Integer> range(final int n) {
        return IntStream.range(0, n).boxed().collect(Collectors.toList());
    }

    static List<Integer> sqrs(final int n) {
        return IntStream.range(0, n).map(PoolCasesTest::sqr).boxed().collect(Collectors.toList());
    }

    /** Python's SayWhenError. */
    static final class SayWhenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SayWhenException() {
            super("Somebody said when");
        }
    }

    /** Python's exception_throwing_generator(total, when): 0, 1, ..., when-1, then throws. */
    static Iterable<Integer> exceptionThrowingGenerator(final int total, final int when) {
        return () -> {
            if (when == -1) {
                throw new SayWhenException();
            }
            return new Iterator<>() {
                private int i;

                @Override
                public boolean hasNext() {
                    return i < total;
                }

                @Override
                public Integer next() {
                    if (i == when) {
                        throw new SayWhenException();
                    }
                    return i++;
                }
            };
        };
    }

    // ---- test_apply, test_map, test_starmap, test_starmap_async, test_map_async -------------

    @Test
    void testApply() {
        assertEquals(sqr(5), pool.<Integer, Integer>apply(PoolCasesTest::sqr, 5));
    }

    @Test
    void testMap() {
        assertEquals(sqrs(10), pool.map(PoolCasesTest::sqr, range(10)));
        assertEquals(sqrs(100), pool.map(PoolCasesTest::sqr, range(100), 20));
    }

    @Test
    void testStarmap() {
        List<List<Integer>> tuples = IntStream.range(0, 10).mapToObj(i -> List.of(i, 9 - i)).collect(Collectors.toList());
        List<Integer> expected = tuples.stream().map(t -> mul(t.get(0), t.get(1))).collect(Collectors.toList());
        assertEquals(expected, pool.<Integer>starmap(args -> mul((Integer) args[0], (Integer) args[1]), tuples));
        List<List<Integer>> pairs = IntStream.range(0, 100).mapToObj(i -> List.of(i, 99 - i)).collect(Collectors.toList());
        List<Integer> expected100 = pairs.stream().map(t -> mul(t.get(0), t.get(1))).collect(Collectors.toList());
        assertEquals(expected100, pool.starmap(PoolCasesTest::mul, pairs.stream().map(p -> java.util.Map.entry(p.get(0), p.get(1)))
                .collect(Collectors.toList()), 20));
    }

    @Test
    void testStarmapAsync() {
        List<java.util.Map.Entry<Integer, Integer>> pairs = IntStream.range(0, 100)
                .mapToObj(i -> java.util.Map.entry(i, 99 - i)).collect(Collectors.toList());
        List<Integer> expected = pairs.stream().map(p -> mul(p.getKey(), p.getValue())).collect(Collectors.toList());
        assertEquals(expected, pool.starmapAsync(PoolCasesTest::mul, pairs, 0).get());
    }

    @Test
    void testMapAsync() {
        assertEquals(sqrs(10), pool.mapAsync(PoolCasesTest::sqr, range(10)).get());
    }

    // ---- test_map_async_callbacks -----------------------------------------------------------

    @Test
    void testMapAsyncCallbacks() {
        List<Object> callArgs = new CopyOnWriteArrayList<>();
        pool.<String, Integer>mapAsync(Integer::parseInt, List.of("1"), callArgs::add, callArgs::add).waitFor();
        assertEquals(1, callArgs.size());
        assertEquals(List.of(1), callArgs.get(0));
        pool.<String, Integer>mapAsync(Integer::parseInt, List.of("a"), callArgs::add, callArgs::add).waitFor();
        assertEquals(2, callArgs.size());
        assertInstanceOf(NumberFormatException.class, ((Throwable) callArgs.get(1)).getCause());
    }

    // ---- test_map_unplicklable --------------------------------------------------------------

    @Test
    void testMapUnpicklable() {
        List<Object> items = Collections.nCopies(10, new Thread());
        assertThrows(PoolException.class, () -> pool.map(Object::hashCode, items)); // a failure to send, not a hang
        assertEquals(sqrs(3), pool.map(PoolCasesTest::sqr, range(3)));
    }

    // ---- test_map_chunksize -----------------------------------------------------------------

    @Test
    void testMapChunksize() throws TimeoutException {
        assertEquals(List.of(), pool.mapAsync(PoolCasesTest::sqr, List.<Integer>of(), 1).get(LONG));
    }

    // ---- test_map_handle_iterable_exception -------------------------------------------------

    @Test
    void testMapHandleIterableException() {
        assertThrows(SayWhenException.class, () -> pool.map(PoolCasesTest::sqr, exceptionThrowingGenerator(1, -1), 1));
        assertThrows(SayWhenException.class, () -> pool.map(PoolCasesTest::sqr, exceptionThrowingGenerator(1, -1), 1));
        assertThrows(SayWhenException.class, () -> pool.map(PoolCasesTest::sqr, exceptionThrowingGenerator(10, 3), 1));
        Iterable<Integer> special = () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                throw new SayWhenException();
            }
        };
        assertThrows(SayWhenException.class, () -> pool.map(PoolCasesTest::sqr, special, 1));
        assertThrows(SayWhenException.class, () -> pool.map(PoolCasesTest::sqr, special, 1));
    }

    // ---- test_async, test_async_timeout -----------------------------------------------------

    @Test
    void testAsync() {
        AsyncResult<Integer> res = pool.applyAsync(x -> sqrAfter(x, 100), 7);
        assertEquals(49, res.get());
    }

    @Test
    void testAsyncTimeout() {
        Pool p = new Pool(3);
        try {
            AsyncResult<Integer> res = p.applyAsync(x -> sqrAfter(x, 60_000), 6);
            assertThrows(TimeoutException.class, () -> res.get(Duration.ofMillis(100)));
        } finally {
            p.terminate();
            p.join();
        }
    }

    // ---- test_imap, test_imap_unordered -----------------------------------------------------

    @Test
    void testImap() {
        List<Integer> all = new ArrayList<>();
        pool.imap(PoolCasesTest::sqr, range(10)).forEachRemaining(all::add);
        assertEquals(sqrs(10), all);

        ResultIterator<Integer> it = pool.imap(PoolCasesTest::sqr, range(10));
        for (int i = 0; i < 10; i++) {
            assertEquals(i * i, it.next());
        }
        assertThrows(NoSuchElementException.class, it::next); // Python: StopIteration

        it = pool.imap(PoolCasesTest::sqr, range(1000), 100);
        for (int i = 0; i < 1000; i++) {
            assertEquals(i * i, it.next());
        }
        assertThrows(NoSuchElementException.class, it::next);
    }

    @Test
    void testImapUnordered() {
        List<Integer> all = new ArrayList<>();
        pool.imapUnordered(PoolCasesTest::sqr, range(10)).forEachRemaining(all::add);
        Collections.sort(all);
        assertEquals(sqrs(10), all);
        all.clear();
        pool.imapUnordered(PoolCasesTest::sqr, range(1000), 100).forEachRemaining(all::add);
        Collections.sort(all);
        assertEquals(sqrs(1000), all);
    }

    // ---- test_imap_handle_iterable_exception, test_imap_unordered_handle_iterable_exception --

    @Test
    void testImapHandleIterableException() {
        ResultIterator<Integer> it = pool.imap(PoolCasesTest::sqr, exceptionThrowingGenerator(1, -1), 1);
        assertThrows(SayWhenException.class, it::next);
        it = pool.imap(PoolCasesTest::sqr, exceptionThrowingGenerator(1, -1), 1);
        assertThrows(SayWhenException.class, it::next);

        it = pool.imap(PoolCasesTest::sqr, exceptionThrowingGenerator(10, 3), 1);
        for (int i = 0; i < 3; i++) {
            assertEquals(i * i, it.next());
        }
        assertThrows(SayWhenException.class, it::next);

        // Python drops the unfinished chunk before the bad item (6 results with chunks of 2,
        // 4 with chunks of 4); here all 7 items read get their results.
        for (int chunksize : new int[] {2, 4}) {
            it = pool.imap(PoolCasesTest::sqr, exceptionThrowingGenerator(20, 7), chunksize);
            for (int i = 0; i < 7; i++) {
                assertEquals(i * i, it.next());
            }
            assertThrows(SayWhenException.class, it::next);
        }
    }

    @Test
    void testImapUnorderedHandleIterableException() {
        ResultIterator<Integer> it = pool.imapUnordered(PoolCasesTest::sqr, exceptionThrowingGenerator(1, -1), 1);
        assertThrows(SayWhenException.class, it::next);
        it = pool.imapUnordered(PoolCasesTest::sqr, exceptionThrowingGenerator(1, -1), 1);
        assertThrows(SayWhenException.class, it::next);

        for (int[] c : new int[][] {{10, 3, 1}, {20, 7, 2}}) {
            ResultIterator<Integer> unordered = pool.imapUnordered(PoolCasesTest::sqr,
                    exceptionThrowingGenerator(c[0], c[1]), c[2]);
            List<Integer> expectedValues = new ArrayList<>(sqrs(c[0]));
            assertThrows(SayWhenException.class, () -> {
                for (int i = 0; i < c[0]; i++) {
                    Integer value = unordered.next();
                    assertTrue(expectedValues.remove(value), value + " unexpected");
                }
            });
        }
    }

    // ---- test_make_pool, test_pool_maxtasksperchild_invalid ---------------------------------

    @Test
    void testMakePool() {
        assertThrows(IllegalArgumentException.class, () -> new Pool(-1));
        assertThrows(IllegalArgumentException.class, () -> new Pool(0));
        Pool p = new Pool(3);
        try {
            assertEquals(3, p.processes());
        } finally {
            p.close();
            p.join();
        }
    }

    @Test
    void testPoolMaxtasksperchildInvalid() {
        assertThrows(IllegalArgumentException.class, () -> new Pool(3, null, -1));
    }

    // ---- test_terminate ---------------------------------------------------------------------

    @Test
    void testTerminate() throws InterruptedException {
        Pool p = new Pool(3);
        AsyncResult<List<Object>> result = p.mapAsync(ms -> {
            Thread.sleep(ms);
            return null;
        }, Collections.nCopies(10_000, 300_000L), 1);
        Thread.sleep(200);
        p.terminate();
        p.join();
        assertTrue(result.waitFor(LONG), "terminate ends what was running");
        assertFalse(result.successful());
    }

    // ---- test_empty_iterable ----------------------------------------------------------------

    @Test
    void testEmptyIterable() {
        Pool p = new Pool(1);
        assertEquals(List.of(), p.map(PoolCasesTest::sqr, List.<Integer>of()));
        assertFalse(p.imap(PoolCasesTest::sqr, List.<Integer>of()).hasNext());
        assertFalse(p.imapUnordered(PoolCasesTest::sqr, List.<Integer>of()).hasNext());
        assertEquals(List.of(), p.mapAsync(PoolCasesTest::sqr, List.<Integer>of()).get());
        p.close();
        p.join();
    }

    // ---- test_context, test_enter -----------------------------------------------------------

    @Test
    void testContext() {
        List<Integer> l = range(10);
        Pool used;
        try (Pool p = new Pool(2)) {
            used = p;
            AsyncResult<List<Integer>> r = p.mapAsync(PoolCasesTest::sqr, l);
            assertEquals(sqrs(10), r.get());
        }
        used.join();
        assertThrows(IllegalStateException.class, () -> used.mapAsync(PoolCasesTest::sqr, l)); // Python: ValueError
    }

    // ---- test_traceback, test_wrapped_exception ---------------------------------------------

    static int raiseRuntimeError(final int ignored) {
        throw new IllegalStateException("123"); // some comment
    }

    @Test
    void testTraceback() {
        Pool used;
        try (Pool p = new Pool(1)) {
            used = p;
            PoolTaskException exc = assertThrows(PoolTaskException.class, () -> p.apply(PoolCasesTest::raiseRuntimeError, 0));
            assertInstanceOf(IllegalStateException.class, exc.getCause());
            assertEquals("123", exc.getCause().getMessage());
            assertTrue(exc.remoteTrace().contains("raiseRuntimeError"), exc.remoteTrace());
            // the input's own exception is not made a remote one
            SayWhenException sayWhen = assertThrows(SayWhenException.class,
                    () -> p.map(PoolCasesTest::sqr, exceptionThrowingGenerator(1, -1), 1));
            assertEquals(null, sayWhen.getCause());
        }
        used.join();
    }

    // ---- test_map_no_failfast ---------------------------------------------------------------

    static int raiseLargeValueError(final long waitMillis) throws InterruptedException {
        Thread.sleep(waitMillis);
        throw new IllegalArgumentException("x".repeat(1024 * 1024));
    }

    @Test
    void testMapNoFailfast() {
        long start = System.nanoTime();
        PoolTaskException e = assertThrows(PoolTaskException.class, () -> {
            Pool p = new Pool(2);
            try {
                p.map(PoolCasesTest::raiseLargeValueError, List.of(0L, 1L));
            } finally {
                Thread.sleep(500);
                p.close();
                p.join();
            }
        });
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertTrue(System.nanoTime() - start > 500_000_000L, "we waited for all jobs");
    }

    // ---- _TestPoolWorkerErrors ----------------------------------------------------------------

    static int raising(final int ignored) {
        throw new NoSuchElementException("key"); // Python: KeyError
    }

    @Test
    void testAsyncErrorCallback() {
        Pool p = new Pool(2);
        List<Throwable> scratchpad = new CopyOnWriteArrayList<>();
        AsyncResult<Integer> res = p.applyAsync(PoolCasesTest::raising, 0, null, scratchpad::add);
        PoolTaskException e = assertThrows(PoolTaskException.class, res::get);
        assertInstanceOf(NoSuchElementException.class, e.getCause());
        assertEquals(1, scratchpad.size());
        assertInstanceOf(NoSuchElementException.class, scratchpad.get(0).getCause());
        p.close();
        p.join();
    }

    @Test
    void testUnpickleableResult() {
        Pool p = new Pool(2);
        for (int iteration = 0; iteration < 20; iteration++) { // no worker is lost to encoding errors
            List<Throwable> scratchpad = new CopyOnWriteArrayList<>();
            AsyncResult<Object> res = p.applyAsync(x -> new Thread(), 0, null, scratchpad::add);
            PoolTaskException e = assertThrows(PoolTaskException.class, res::get);
            assertTrue(e.getMessage().contains("cannot send the result"), e.getMessage());
            assertEquals(1, scratchpad.size());
            assertInstanceOf(PoolTaskException.class, scratchpad.get(0));
        }
        p.close();
        p.join();
    }

    // ---- _TestPoolWorkerLifetime --------------------------------------------------------------

    @Test
    void testPoolWorkerLifetime() {
        Pool p = new Pool(3, null, 10);
        assertEquals(3, p.processes());
        List<AsyncResult<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            results.add(p.applyAsync(PoolCasesTest::sqr, i));
        }
        for (int j = 0; j < results.size(); j++) {
            assertEquals(sqr(j), results.get(j).get());
        }
        // every worker was replaced after ten tasks: more pids served than the pool holds at once
        List<Long> pids = p.allWorkerPids();
        assertTrue(new HashSet<>(pids).size() > 3, "worker pids " + pids);
        p.close();
        p.join();
    }

    @Test
    void testPoolWorkerLifetimeEarlyClose() {
        Pool p = new Pool(3, null, 1);
        List<AsyncResult<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            results.add(p.applyAsync(x -> sqrAfter(x, 300), i));
        }
        p.close();
        p.join();
        for (int j = 0; j < results.size(); j++) {
            assertEquals(sqr(j), results.get(j).get());
        }
    }
}
