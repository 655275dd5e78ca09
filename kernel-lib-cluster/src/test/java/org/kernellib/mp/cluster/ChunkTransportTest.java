package org.kernellib.mp.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kernellib.mp.pool.AsyncResult;
import org.kernellib.mp.pool.Pool;
import org.kernellib.mp.pool.PoolException;

/**
 * How chunks travel ({@link ChunkTransport}): each runs once however many kernels share the
 * cluster, chunks on one node run at the same time, calls one after another stay on one server
 * while a map spreads, and a handle that closes fails its chunks that are still out rather than
 * leaving them waiting; a chunk a node cannot run at all fails with the node's reason rather than
 * waits. One local server for the class (and two for one test).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ChunkTransportTest {
    private static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = Cluster.startLocal(1);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void twoHandlesOnOneClusterRunEachOfTheirChunksOnce() throws Exception {
        List<Integer> items = IntStream.range(0, 200).boxed().collect(Collectors.toList());
        try (Cluster other = Cluster.connect(cluster.addresses().toArray(new String[0]));
                Pool mine = Pool.builder().cluster(cluster).build();
                Pool theirs = Pool.builder().cluster(other).build()) {
            ClusterLongValue runs = cluster.longValue("transport-runs");
            AsyncResult<List<Integer>> a = mine.mapAsync((Integer x) -> {
                runs.incrementAndGet();
                return x;
            }, items, 10);
            AsyncResult<List<Integer>> b = theirs.mapAsync((Integer x) -> {
                runs.incrementAndGet();
                return -x;
            }, items, 10);
            assertEquals(items, a.get());
            assertEquals(items.stream().map(x -> -x).toList(), b.get());
            assertEquals(400L, runs.get(), "every item of both maps ran once, on the one server");
        }
    }

    @Test
    void chunksOnOneNodeRunAtTheSameTime() {
        try (Pool pool = Pool.builder().cluster(cluster).build()) {
            ClusterLongValue arrived = cluster.longValue("transport-arrived");
            // each item waits (up to 20 s) until both have arrived: only chunks that run at once both see 2
            List<Long> seen = pool.map((Integer x) -> {
                arrived.incrementAndGet();
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (arrived.get() < 2 && System.nanoTime() < end) {
                    Thread.sleep(5);
                }
                return arrived.get();
            }, List.of(0, 1), 1);
            assertEquals(List.of(2L, 2L), seen);
        }
    }

    @Test
    void callsOneAfterAnotherStayOnOneServerWhileAMapSpreadsOverAll() throws Exception {
        try (Cluster two = Cluster.startLocal(2); Pool pool = Pool.builder().cluster(two).build()) {
            Set<Long> applied = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                applied.add(pool.apply((Integer x) -> ProcessHandle.current().pid(), i));
            }
            assertEquals(1, applied.size(), "20 applies, one after another, ran on " + applied);
            List<Long> mapped = pool.map((Integer x) -> {
                Thread.sleep(200);
                return ProcessHandle.current().pid();
            }, List.of(0, 1, 2, 3), 1);
            assertEquals(2, new HashSet<>(mapped).size(), "four 200 ms chunks at once ran on " + mapped);
        }
    }

    @Test
    void closingAHandleFailsItsChunksStillOut() throws Exception {
        Cluster other = Cluster.connect(cluster.addresses().toArray(new String[0]));
        try (Pool pool = Pool.builder().cluster(other).build()) {
            AsyncResult<List<Integer>> slow = pool.mapAsync((Integer x) -> {
                Thread.sleep(30_000);
                return x;
            }, Collections.nCopies(2, 0), 1);
            Thread.sleep(1_000); // the chunks are on the server by now
            long t = System.nanoTime();
            other.close();
            PoolException e = assertThrows(PoolException.class, () -> slow.get(Duration.ofSeconds(20)));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
            assertTrue(ms < 5_000, "failed after " + ms + " ms: " + e);
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
    }

    @Test
    void aChunkTheNodeCannotRunFailsWithTheReasonAndTheNodeListensOn() throws Exception {
        String id = "transport-test/unrunnable";
        // three bytes are not a chunk (one is two ints): the node cannot even begin it
        CompletableFuture<byte[]> answer = cluster.chunks().send(id,
                new ChunkRequest(id, "transport-test-call", new byte[0], new byte[3]).encode());
        ExecutionException e = assertThrows(ExecutionException.class, () -> answer.get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof ClusterException, e.toString());
        assertTrue(e.getCause().getMessage().matches("(?s)node server-1 could not run the chunk: .*not a pool chunk: 3 bytes.*"),
                e.getCause().getMessage());
        try (Pool pool = Pool.builder().cluster(cluster).build()) {
            assertEquals(2, pool.apply((Integer x) -> x + 1, 1), "the node runs the next chunk");
        }
    }
}
