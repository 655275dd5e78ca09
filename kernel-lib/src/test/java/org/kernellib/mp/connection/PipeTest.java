package org.kernellib.mp.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.shared.SharedState;
import org.kernellib.mp.shared.queue.ItemBytes;
import org.kernellib.mp.shared.testing.ChildJvm;

class PipeTest {

    /** Child: echo every message back with a suffix until "stop". */
    static void echo(final Object[] a) {
        Connection c = (Connection) a[0];
        while (true) {
            Object o = c.recv();
            if ("stop".equals(o)) {
                return;
            }
            c.send(List.of(o, "echoed"));
        }
    }

    @Test
    void duplexPipeTalksToAnotherProcess() {
        Connection[] ends = SharedState.pipe();
        try (Connection mine = ends[0]; ChildJvm child = ChildJvm.start(PipeTest.class, "echo", ends[1])) {
            assertFalse(mine.poll(Duration.ofMillis(20)));
            mine.send(41);
            mine.send("x");
            assertTrue(mine.poll(Duration.ofSeconds(30)));
            assertEquals(List.of(41, "echoed"), mine.recv());
            assertEquals(List.of("x", "echoed"), mine.recv());
            mine.send("stop");
            child.assertSuccess(30_000);
            mine.unlink();
        }
    }

    @Test
    void oneWayPipeRefusesTheWrongDirection() {
        Connection[] ends = SharedState.pipe(false);
        try (Connection r = ends[0]; Connection w = ends[1]) {
            w.sendBytes(new byte[] {1, 2});
            assertArrayEquals(new byte[] {1, 2}, r.recvBytes());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.send(1));
            assertTrue(e.getMessage().contains("only receive"), e.getMessage());
            e = assertThrows(IllegalStateException.class, w::recv);
            assertTrue(e.getMessage().contains("only send"), e.getMessage());
            r.unlink();
        }
    }

    // ---- messages of any size -----------------------------------------------------------------

    static final int MB20 = 20 * 1024 * 1024;

    /** Child: receives 20 MB of bytes, checks them, and sends them back inside an object. */
    static void bigEcho(final Object[] a) {
        Connection c = (Connection) a[0];
        byte[] got = c.recvBytes();
        byte[] expected = pattern(MB20);
        System.out.println("RECEIVED " + got.length + " " + Arrays.equals(expected, got));
        c.send(List.of("back", got));
    }

    static byte[] pattern(final int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void aMessageOf20MegabytesCrossesToAnotherProcessAndBack() {
        Connection[] ends = SharedState.pipe();
        try (Connection mine = ends[0];
             ChildJvm child = ChildJvm.start(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m"),
                     PipeTest.class, "bigEcho", ends[1])) {
            byte[] big = pattern(MB20);
            mine.sendBytes(big);
            assertEquals(MB20 + " true", child.awaitLine("RECEIVED", 120_000));
            List<?> back = (List<?>) mine.recv();
            assertEquals("back", back.get(0));
            assertArrayEquals(big, (byte[]) back.get(1));
            child.assertSuccess(60_000);
            mine.unlink();
        }
    }

    @Test
    void messagesAroundTheChunkSizeArriveWhole() throws Exception {
        Connection[] ends = SharedState.pipe(false);
        try (Connection r = ends[0]; Connection w = ends[1]) {
            int chunk = 512 * 1024 - 16 - 1; // half the default ring, less the record header and the type tag
            int[] sizes = {0, 1, chunk - 1, chunk, chunk + 1, 2 * chunk, 2 * chunk + 1, 3 * chunk + 7};
            byte[] source = pattern(3 * chunk + 100);
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                for (int size : sizes) {
                    w.sendBytes(source, 50, size);
                    w.send(Arrays.copyOfRange(source, 0, size));
                }
                w.send(String.valueOf((char) 'x').repeat(2 * chunk)); // an object, serialized in chunks
            });
            for (int size : sizes) {
                assertArrayEquals(Arrays.copyOfRange(source, 50, 50 + size), r.recvBytes(), "sendBytes of " + size);
                assertArrayEquals(Arrays.copyOfRange(source, 0, size), (byte[]) r.recv(), "send of " + size);
            }
            assertEquals(2 * chunk, ((String) r.recv()).length());
            sender.get(60, TimeUnit.SECONDS);
            r.unlink();
        }
    }

    // ---- Python's Connection semantics --------------------------------------------------------

    @Test
    void closingTheChildsEndInTheParentLeavesTheParentsEndWorking() {
        Connection[] ends = SharedState.pipe();
        try (Connection mine = ends[0]; ChildJvm child = ChildJvm.start(PipeTest.class, "echo", ends[1])) {
            ends[1].close(); // the usual Python idiom after start()
            assertTrue(ends[1].isClosed());
            assertFalse(mine.isClosed());
            mine.send(7);
            assertEquals(List.of(7, "echoed"), mine.recv());
            mine.send("stop");
            child.assertSuccess(30_000);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ends[1].send(1));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            mine.unlink();
        }
    }

    @Test
    void pollWithANegativeTimeoutReturnsAtOnceAndWithNullWaits() throws Exception {
        Connection[] ends = SharedState.pipe();
        try (Connection a = ends[0]; Connection b = ends[1]) {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                assertFalse(a.poll(Duration.ofSeconds(-1)));
                assertFalse(a.poll(-1.0));
                assertFalse(a.poll(Duration.ZERO));
                assertFalse(a.poll(0.05));
            });
            CompletableFuture<Void> later = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                b.send("late");
            });
            assertTrue(assertTimeoutPreemptively(Duration.ofSeconds(30), () -> a.poll((Duration) null)));
            assertEquals("late", a.recv());
            later.get(10, TimeUnit.SECONDS);
            a.unlink();
        }
    }

    @Test
    void bytesWithOffsetsIntoBuffersAndWhatSendSentAsBytes() {
        Connection[] ends = SharedState.pipe();
        try (Connection a = ends[0]; Connection b = ends[1]) {
            byte[] src = {0, 1, 2, 3, 4, 5};
            a.sendBytes(src, 2, 3);
            a.sendBytes(src, 6, 0);
            byte[] buf = new byte[8];
            assertEquals(3, b.recvBytesInto(buf, 4));
            assertArrayEquals(new byte[] {0, 0, 0, 0, 2, 3, 4, 0}, buf);
            assertEquals(0, b.recvBytesInto(buf));

            a.sendBytes(src);
            BufferTooShortException tooShort = assertThrows(BufferTooShortException.class, () -> b.recvBytesInto(buf, 5));
            assertArrayEquals(src, tooShort.message());
            assertTrue(tooShort.getMessage().contains("6 bytes") && tooShort.getMessage().contains("room for 3"),
                    tooShort.getMessage());

            a.send(List.of("an", "object"));
            assertEquals(List.of("an", "object"), ItemBytes.fromBytes(b.recvBytes()));

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.sendBytes(src, 7, 0));
            assertTrue(e.getMessage().contains("offset 7"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> a.sendBytes(src, 2, 5));
            assertTrue(e.getMessage().contains("size 5"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> a.sendBytes(src, 0, -1));
            assertTrue(e.getMessage().contains("size -1"), e.getMessage());
            assertFalse(b.poll(), "a refused send must send nothing");
            a.unlink();
        }
    }
}
