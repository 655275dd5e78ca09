package org.kernellib.mp.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Python's apply_async/map_async/starmap_async callback and error_callback. */
class PoolCallbackTest {
    private static Pool pool;

    @BeforeAll
    static void open() {
        pool = new Pool(2);
    }

    @AfterAll
    static void shut() {
        List<Long> pids = pool.allWorkerPids();
        pool.close();
        PoolTest.assertNoneAlive(pids);
    }

    static String sleepThenName(final int millis) throws InterruptedException {
        Thread.sleep(millis);
        return "slept " + millis;
    }

    @Test
    void callbacksRunInThisProcessOnTheResultHandlerInTheOrderCallsFinish() {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        AsyncResult<String> slow = pool.applyAsync(PoolCallbackTest::sleepThenName, 3000, r -> {
            seen.add(r);
            threads.add(Thread.currentThread().getName());
        }, null);
        AsyncResult<String> fast = pool.applyAsync(PoolCallbackTest::sleepThenName, 10, r -> {
            seen.add(r);
            threads.add(Thread.currentThread().getName());
        }, null);
        assertEquals("slept 10", fast.get());
        assertEquals(List.of("slept 10"), seen, "get() returns once the callback has run");
        assertEquals("slept 3000", slow.get());
        assertEquals(List.of("slept 10", "slept 3000"), seen);
        assertEquals(List.of(pool.name() + "-result-handler", pool.name() + "-result-handler"), threads);
    }

    @Test
    void mapAsyncCallsTheCallbackOnSuccessAndTheErrorCallbackOnFailure() {
        List<Object> ok = Collections.synchronizedList(new ArrayList<>());
        List<Object> failed = Collections.synchronizedList(new ArrayList<>());
        AsyncResult<List<Integer>> good = pool.mapAsync((Integer x) -> x * x, List.of(1, 2, 3), ok::add, failed::add);
        assertEquals(List.of(1, 4, 9), good.get());
        assertEquals(List.of(List.of(1, 4, 9)), ok);
        assertTrue(failed.isEmpty());

        AsyncResult<List<Integer>> bad = pool.mapAsync(PoolTest::failOnFive, List.of(4, 5, 6), ok::add, failed::add);
        assertThrows(PoolTaskException.class, bad::get);
        assertEquals(1, ok.size(), "no callback for a failed call");
        assertEquals(1, failed.size());
        assertInstanceOf(PoolTaskException.class, failed.get(0));
        assertTrue(bad.ready());
        assertFalse(bad.successful());
    }

    @Test
    void starmapAsyncTakesCallbacksToo() {
        List<Object> ok = Collections.synchronizedList(new ArrayList<>());
        AsyncResult<List<Integer>> r = pool.starmapAsync((Integer a, Integer b) -> a * b,
                List.of(Map.entry(2, 3), Map.entry(4, 5)), 0, ok::add, null);
        assertEquals(List.of(6, 20), r.get());
        assertEquals(List.of(List.of(6, 20)), ok);
    }

    @Test
    void aCallbackThatThrowsIsReportedAndTheOthersStillRun() {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        try {
            AsyncResult<Integer> first = pool.applyAsync((Integer x) -> x + 1, 1, r -> {
                throw new IllegalStateException("callback boom");
            }, null);
            assertEquals(2, first.get());
            AsyncResult<Integer> second = pool.applyAsync((Integer x) -> x + 1, 2, seen::add, null);
            assertEquals(3, second.get());
        } finally {
            System.setErr(oldErr);
        }
        assertEquals(List.of(3), seen);
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("the callback of pool call #") && text.contains("callback boom"), text);
    }

    /**
     * A kernel routes a callback's output by what it captured where the call was submitted (a
     * notebook: the submitting cell); the callback, and a report of its failure, run inside that
     * routing, and get() still waits for them, even when the routing itself fails.
     */
    @Test
    void callbacksRunInsideTheRoutingOfTheThreadThatSubmittedThem() throws InterruptedException {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        CallbackOutput.routeBy(new CallbackOutput.Routing() {
            @Override
            public Object capture() {
                return Thread.currentThread().getName();
            }

            @Override
            public void run(final Object captured, final Runnable callback) {
                seen.add("routed to " + captured);
                callback.run();
                seen.add("done for " + captured);
                if ("failing routing".equals(captured)) {
                    throw new IllegalStateException("the routing itself failed");
                }
            }
        });
        try {
            for (String submitter : List.of("cell [7]", "failing routing")) {
                Thread t = new Thread(() -> {
                    AsyncResult<Integer> r = pool.applyAsync((Integer x) -> x * 2, 21,
                            v -> seen.add("callback " + v + " on " + Thread.currentThread().getName()), null);
                    assertEquals(42, r.get());
                    seen.add("get returned");
                }, submitter);
                t.start();
                t.join(60_000);
                assertFalse(t.isAlive(), "get() returned");
            }
        } finally {
            CallbackOutput.routeBy(CallbackOutput.AS_IS);
        }
        String handler = pool.name() + "-result-handler";
        assertEquals(List.of("routed to cell [7]", "callback 42 on " + handler, "done for cell [7]", "get returned",
                "routed to failing routing", "callback 42 on " + handler, "done for failing routing", "get returned"), seen);
    }

    @Test
    void closeWaitsForTheCallbacksOfSubmittedWork() {
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        Pool own = new Pool(1);
        List<Long> pids = own.allWorkerPids();
        own.applyAsync((Integer x) -> x * 10, 4, r -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            seen.add(r);
        }, null);
        own.close();
        assertEquals(List.of(40), seen);
        PoolTest.assertNoneAlive(pids);
    }
}
