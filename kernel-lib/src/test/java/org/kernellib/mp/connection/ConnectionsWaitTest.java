package org.kernellib.mp.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.process.Process;
import org.kernellib.mp.shared.SharedState;
import org.kernellib.mp.shared.queue.Queue;
import org.kernellib.mp.shared.queue.SimpleQueue;
import org.kernellib.mp.shared.sync.Event;

/**
 * Connections.wait over pipe ends, queues and processes. Waits that must end early get a long
 * timeout (30 s) and the test checks what they returned, never how fast: a loaded machine only
 * makes them slower. Waits that must time out get a short one and only a lower bound on elapsed time.
 */
class ConnectionsWaitTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void nothingReadyTimesOutEmptyAndNotEarly() {
        Connection[] pipe = Pipe.create();
        Queue<String> q = SharedState.queue();
        SimpleQueue<String> sq = SharedState.simpleQueue();
        long start = System.nanoTime();
        List<Object> ready = Connections.wait(List.of(pipe[0], q, sq), Duration.ofMillis(200));
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(List.of(), ready);
        assertTrue(elapsedMillis >= 200, "returned after " + elapsedMillis + " ms");
        assertEquals(List.of(), Connections.wait(List.of(pipe[0], q, sq), 0.0), "a zero timeout just looks");
        assertEquals(List.of(), Connections.wait(List.of(pipe[0], q, sq), -1.0), "a negative one too, as in Python");
    }

    @Test
    void returnsExactlyTheObjectsThatAreReadyInTheOrderGiven() {
        Connection[] pipe = Pipe.create();
        Connection[] other = Pipe.create();
        Queue<String> q = SharedState.queue();
        SimpleQueue<String> sq = SharedState.simpleQueue();
        List<Object> all = List.of(pipe[0], other[0], q, sq);
        Thread sender = new Thread(() -> pipe[1].send("hello"));
        sender.start();
        assertEquals(List.of(pipe[0]), Connections.wait(all, LONG));
        q.put("item");
        sq.put("item");
        assertEquals(List.of(pipe[0], q, sq), Connections.wait(all, LONG));
        assertEquals("hello", pipe[0].recv());
        assertEquals("item", q.get());
        assertEquals(List.of(sq), Connections.wait(all, Duration.ZERO));
    }

    @Test
    void aShutDownQueueIsReadyBecauseAGetNoLongerBlocks() {
        Queue<String> q = SharedState.queue();
        Queue<String> open = SharedState.queue();
        q.shutdown();
        assertEquals(List.of(q), Connections.wait(List.of(open, q), LONG));
        assertThrows(org.kernellib.mp.shared.queue.ShutDownException.class, q::getNowait);
    }

    @Test
    void aPipeWhoseOtherEndClosedIsReadyAsInPython() {
        Connection[] pipe = Pipe.create();
        pipe[1].close();
        assertEquals(List.of(pipe[0]), Connections.wait(List.of(pipe[0]), LONG));
        assertThrows(EofException.class, pipe[0]::recv);
    }

    @Test
    void aProcessIsReadyOnceItEndedAndItsSentinelToo() {
        Event go = SharedState.event();
        Connection[] pipe = Pipe.create();
        Process p = new Process(() -> go.await());
        p.start();
        CompletableFuture<Process> sentinel = p.sentinel();
        assertEquals(List.of(), Connections.wait(List.of(p, sentinel, pipe[0]), Duration.ofMillis(100)));
        go.set();
        List<Object> ready = Connections.wait(List.of(pipe[0], p), LONG);
        assertEquals(List.of(p), ready);
        assertEquals(List.of(sentinel), Connections.wait(List.of(sentinel), LONG));
        assertTrue(p.exitCode().isPresent(), "ready means the exit code is known");
    }

    @Test
    void whatCannotBeWaitedOnIsRefusedSayingWhatCan() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Connections.wait(List.of("text"), Duration.ZERO));
        assertTrue(e.getMessage().contains("java.lang.String") && e.getMessage().contains("a Connection"),
                e.getMessage());
        Connection[] oneWay = Pipe.create(false);
        e = assertThrows(IllegalArgumentException.class, () -> Connections.wait(List.of(oneWay[1]), Duration.ZERO));
        assertTrue(e.getMessage().contains("sending end"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Connections.wait(List.of()));
        assertTrue(e.getMessage().contains("wait for ever"), e.getMessage());
        assertEquals(List.of(), Connections.wait(List.of(), Duration.ofMillis(1)));
    }

    // ---- CPython's TestWait cases (Lib/test/_test_multiprocessing.py) ----------------------------

    @Test
    void testWait() {
        List<Connection> readers = new java.util.ArrayList<>();
        List<Process> procs = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Connection[] rw = Pipe.create(false);
            Connection w = rw[1];
            Process p = new Process(() -> {
                for (int k = 0; k < 10; k++) {
                    w.send(k + ":" + ProcessHandle.current().pid());
                }
                w.close();
            }).daemon(true);
            p.start();
            w.close();
            readers.add(rw[0]);
            procs.add(p);
        }
        List<String> messages = new java.util.ArrayList<>();
        while (!readers.isEmpty()) {
            for (Connection r : Connections.wait(readers)) {
                try {
                    messages.add((String) r.recv());
                } catch (EofException e) {
                    readers.remove(r);
                    r.close();
                }
            }
        }
        List<String> expected = new java.util.ArrayList<>();
        for (Process p : procs) {
            p.join();
            for (int k = 0; k < 10; k++) {
                expected.add(k + ":" + p.pid());
            }
        }
        java.util.Collections.sort(messages);
        java.util.Collections.sort(expected);
        assertEquals(expected, messages);
    }

    @Test
    void testWaitTimeout() {
        Connection[] ab = Pipe.create();
        long start = System.nanoTime();
        assertEquals(List.of(), Connections.wait(List.of(ab[0], ab[1]), 1.0));
        assertTrue(System.nanoTime() - start >= 1_000_000_000L);
        ab[1].send(null);
        assertEquals(List.of(ab[0]), Connections.wait(List.of(ab[0], ab[1]), 20.0));
    }

    @Test
    void testWaitInteger() {
        org.kernellib.mp.shared.sync.Semaphore sem = SharedState.semaphore(0);
        Event end = SharedState.event();
        Connection[] ab = Pipe.create();
        Process p = new Process(() -> {
            sem.release();
            end.await();
        });
        p.start();
        assertTrue(sem.acquire(true, 20.0));
        CompletableFuture<Process> sentinel = p.sentinel();
        List<Object> all = List.of(ab[0], sentinel, ab[1]);
        assertEquals(List.of(), Connections.wait(all, 0.2), "the process still runs");
        end.set();
        assertEquals(List.of(sentinel), Connections.wait(all, 20.0));
        ab[0].send(null);
        assertEquals(List.of(sentinel, ab[1]), Connections.wait(all, 20.0));
        ab[1].send(null);
        assertEquals(List.of(ab[0], sentinel, ab[1]), Connections.wait(all, 20.0));
        p.join();
    }

    @Test
    void testNegTimeout() {
        Connection[] ab = Pipe.create();
        assertEquals(List.of(), Connections.wait(List.of(ab[0]), -1.0));
        ab[0].close();
        ab[1].close();
    }
}
