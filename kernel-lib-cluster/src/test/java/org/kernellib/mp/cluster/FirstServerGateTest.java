package org.kernellib.mp.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.ignite.spi.IgniteSpiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The finder of a local cluster's later servers: it answers only once the first server is up. */
class FirstServerGateTest {
    private static final List<String> ADDRESSES = List.of("127.0.0.1:47600", "127.0.0.1:47601");

    @TempDir
    Path dir;

    @Test
    void listsItsAddressesOnlyOnceTheFirstServerSaysItIsUp() throws Exception {
        Path ready = dir.resolve("up");
        FirstServerGate gate = new FirstServerGate(ADDRESSES, ready, 30_000);
        CompletableFuture<Collection<InetSocketAddress>> asked = new CompletableFuture<>();
        new Thread(() -> {
            try {
                asked.complete(gate.getRegisteredAddresses());
            } catch (Exception e) {
                asked.completeExceptionally(e);
            }
        }).start();
        Thread.sleep(300);
        assertTrue(!asked.isDone(), "the gate answered before the first server was up");
        FirstServerGate.open(ready);
        Collection<InetSocketAddress> got = asked.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(47600, 47601), got.stream().map(InetSocketAddress::getPort).sorted().toList());
        FirstServerGate.open(ready); // saying it twice is harmless
        assertTrue(Files.exists(ready));
    }

    @Test
    void aServerThatDiedEndsTheWaitWithItsError() {
        ClusterException died = new ClusterException("local server server-1 (pid 1) exited with code 1 before it joined");
        assertSame(died, assertThrows(ClusterException.class,
                () -> FirstServerGate.await(dir.resolve("never"), 30_000, () -> died)));
        // in a finder, as Ignite's join wants it, with the same message
        FirstServerGate gate = new FirstServerGate(ADDRESSES, dir.resolve("never"), 30_000, () -> died);
        IgniteSpiException e = assertThrows(IgniteSpiException.class, gate::getRegisteredAddresses);
        assertSame(died, e.getCause());
        assertEquals(died.getMessage(), e.getMessage());
    }

    @Test
    void givesUpAfterItsTimeoutSayingWhy() {
        FirstServerGate gate = new FirstServerGate(ADDRESSES, dir.resolve("never"), 200);
        IgniteSpiException e = assertThrows(IgniteSpiException.class, gate::getRegisteredAddresses);
        assertTrue(e.getMessage().contains("first server was not up"), e.getMessage());
    }
}
