package org.kernellib.mp.cpython;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.connection.BufferTooShortException;
import org.kernellib.mp.connection.Connection;
import org.kernellib.mp.connection.EofException;
import org.kernellib.mp.process.Process;
import org.kernellib.mp.shared.SharedState;
import org.kernellib.mp.shared.queue.ItemBytes;

/**
 * CPython's {@code _TestConnection}, {@code _TestPoll} and {@code _TestPicklingConnections.test_access}
 * cases ({@code Lib/test/_test_multiprocessing.py}), with the Java names ({@code send_bytes} is
 * {@code sendBytes}, {@code recv_bytes_into} is {@code recvBytesInto}, {@code EOFError} is
 * {@link EofException}, {@code BufferTooShort} is {@link BufferTooShortException}). Python's
 * {@code OSError} on a closed end or a wrong direction, and its {@code ValueError} for bad
 * offsets, are {@link IllegalStateException} and {@link IllegalArgumentException}. Python's
 * {@code recv()} unpickles whatever arrived, also bytes sent with {@code send_bytes}; here it
 * returns those as a {@code byte[]} (see {@code testConnection}). A poll that
 * must succeed gets a long timeout, never CPython's 0.1 s. Not ported: {@code fileno()}, file
 * descriptor transfer and {@code Listener}/{@code Client}, which kernel-lib does not offer.
 */
class ConnectionCasesTest {
    private static final Duration LONG = Duration.ofSeconds(120);
    private static final byte[] SENTINEL = new byte[0];

    private static byte[] latin(final String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** CPython's {@code _echo}: sends back every message's bytes until an empty one. */
    private static void echo(final Connection conn) {
        for (byte[] msg = conn.recvBytes(); msg.length > 0; msg = conn.recvBytes()) {
            conn.sendBytes(msg);
        }
        conn.close();
    }

    private static byte[] ints(final int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.nativeOrder());
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    // ---- test_connection --------------------------------------------------------------------

    @Test
    void testConnection() {
        Connection[] pair = SharedState.pipe();
        Connection conn = pair[0];
        Connection childConn = pair[1];
        Process p = new Process(() -> echo(childConn)).daemon(true);
        p.start();

        List<Object> seq = Arrays.asList(1, 2.25, null);
        byte[] msg = latin("hello world");
        byte[] longmsg = latin("hello world".repeat(10));
        byte[] arr = ints(0, 1, 2, 3);

        conn.send(seq);
        // The child echoed the serialized form with sendBytes. Python's recv() unpickles any
        // message; here recv() returns a message sent with sendBytes as the byte[] it is, and
        // ItemBytes.fromBytes decodes it (a difference the README lists).
        assertEquals(seq, ItemBytes.fromBytes((byte[]) conn.recv()));

        conn.sendBytes(msg);
        assertArrayEquals(msg, conn.recvBytes());

        byte[] buffer = new byte[40];
        conn.sendBytes(arr);
        assertEquals(arr.length, conn.recvBytesInto(buffer));
        assertArrayEquals(ints(0, 1, 2, 3, 0, 0, 0, 0, 0, 0), buffer);

        buffer = new byte[40];
        conn.sendBytes(arr);
        assertEquals(arr.length, conn.recvBytesInto(buffer, 3 * 4));
        assertArrayEquals(ints(0, 0, 0, 0, 1, 2, 3, 0, 0, 0), buffer);

        byte[] spaces = latin(" ".repeat(40));
        conn.sendBytes(longmsg);
        BufferTooShortException e = assertThrows(BufferTooShortException.class, () -> conn.recvBytesInto(spaces));
        assertArrayEquals(longmsg, e.message());

        assertFalse(conn.poll());
        assertFalse(conn.poll(-1));
        assertFalse(conn.poll(0.1));

        conn.send(null);
        assertTrue(conn.poll(LONG));
        assertNull(ItemBytes.fromBytes((byte[]) conn.recv())); // echoed with sendBytes, as above

        byte[] reallyBigMsg = new byte[1024 * 1024 * 16]; // 16 MiB
        Arrays.fill(reallyBigMsg, (byte) 'X');
        conn.sendBytes(reallyBigMsg);
        assertArrayEquals(reallyBigMsg, conn.recvBytes());

        conn.sendBytes(SENTINEL); // tell the child to quit
        childConn.close();

        assertTrue(conn.readable());
        assertTrue(conn.writable());
        assertThrows(EofException.class, conn::recv);
        assertThrows(EofException.class, conn::recvBytes);
        p.join();
    }

    // ---- test_duplex_false ------------------------------------------------------------------

    @Test
    void testDuplexFalse() {
        Connection[] rw = SharedState.pipe(false);
        Connection reader = rw[0];
        Connection writer = rw[1];
        writer.send(1);
        assertEquals(1, reader.recv());
        assertTrue(reader.readable());
        assertFalse(reader.writable());
        assertFalse(writer.readable());
        assertTrue(writer.writable());
        assertThrows(IllegalStateException.class, () -> reader.send(2));
        assertThrows(IllegalStateException.class, writer::recv);
        assertThrows(IllegalStateException.class, () -> writer.poll());
    }

    // ---- test_spawn_close -------------------------------------------------------------------

    @Test
    void testSpawnClose() {
        Connection[] pair = SharedState.pipe();
        Connection conn = pair[0];
        Connection childConn = pair[1];
        Process p = new Process(() -> echo(childConn)).daemon(true);
        p.start();
        childConn.close(); // this might complete before the child initializes

        byte[] msg = latin("hello");
        conn.sendBytes(msg);
        assertArrayEquals(msg, conn.recvBytes());

        conn.sendBytes(SENTINEL);
        conn.close();
        p.join();
    }

    // ---- test_sendbytes ---------------------------------------------------------------------

    @Test
    void testSendbytes() {
        byte[] msg = latin("abcdefghijklmnopqrstuvwxyz");
        Connection[] ab = SharedState.pipe();
        Connection a = ab[0];
        Connection b = ab[1];

        a.sendBytes(msg);
        assertArrayEquals(msg, b.recvBytes());

        a.sendBytes(msg, 5, msg.length - 5); // Python: send_bytes(msg, 5), the size defaulting to the rest
        assertArrayEquals(Arrays.copyOfRange(msg, 5, 26), b.recvBytes());

        a.sendBytes(msg, 7, 8);
        assertArrayEquals(Arrays.copyOfRange(msg, 7, 15), b.recvBytes());

        a.sendBytes(msg, 26, 0);
        assertArrayEquals(new byte[0], b.recvBytes());

        assertThrows(IllegalArgumentException.class, () -> a.sendBytes(msg, 27, 0));
        assertThrows(IllegalArgumentException.class, () -> a.sendBytes(msg, 22, 5));
        assertThrows(IllegalArgumentException.class, () -> a.sendBytes(msg, 26, 1));
        assertThrows(IllegalArgumentException.class, () -> a.sendBytes(msg, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> a.sendBytes(msg, 4, -1));
    }

    // ---- test_context -----------------------------------------------------------------------

    @Test
    void testContext() {
        Connection[] ab = SharedState.pipe();
        Connection a = ab[0];
        Connection b = ab[1];
        try (a; b) {
            a.send(1729);
            assertEquals(1729, b.recv());
            assertFalse(a.isClosed());
            assertFalse(b.isClosed());
        }
        assertTrue(a.isClosed());
        assertTrue(b.isClosed());
        assertThrows(IllegalStateException.class, a::recv);
        assertThrows(IllegalStateException.class, b::recv);
    }

    // ---- _TestPoll --------------------------------------------------------------------------

    @Test
    void testEmptyString() {
        Connection[] ab = SharedState.pipe();
        assertFalse(ab[0].poll());
        ab[1].sendBytes(new byte[0]);
        assertTrue(ab[0].poll());
        assertTrue(ab[0].poll());
    }

    @Test
    void testStrings() {
        List<byte[]> strings = List.of(latin("hello"), latin(""), latin("a"), latin("b"), latin(""), latin("bye"),
                latin(""), latin("lop"));
        Connection[] ab = SharedState.pipe();
        Connection b = ab[1];
        Process p = new Process(() -> {
            for (byte[] s : strings) {
                Thread.sleep(100);
                b.sendBytes(s);
            }
            b.close();
        });
        p.start();
        for (byte[] s : strings) {
            for (int i = 0; i < 200; i++) {
                if (ab[0].poll(0.01)) {
                    break;
                }
            }
            assertArrayEquals(s, ab[0].recvBytes());
        }
        p.join();
    }

    @Test
    void testBoundaries() {
        // Polling in the child must not pull in part of a message, corrupting the pipe for others.
        Connection[] rw = SharedState.pipe(false);
        Connection r = rw[0];
        Process p = new Process(() -> r.poll(5.0));
        p.start();
        List<String> l = List.of("first", "second");
        for (String obj : l) {
            rw[1].sendBytes(latin(obj));
        }
        rw[1].close();
        p.join();
        assertTrue(l.contains(new String(r.recvBytes(), StandardCharsets.ISO_8859_1)));
    }

    @Test
    void testDontMerge() {
        Connection[] ab = SharedState.pipe();
        Connection a = ab[0];
        Connection b = ab[1];
        assertFalse(a.poll(0.0));
        assertFalse(a.poll(0.1));

        Process p = new Process(() -> {
            b.sendBytes(latin("a"));
            b.sendBytes(latin("b"));
            b.sendBytes(latin("cd"));
        });
        p.start();

        assertArrayEquals(latin("a"), a.recvBytes());
        assertTrue(a.poll(LONG));
        assertTrue(a.poll(LONG));
        assertArrayEquals(latin("b"), a.recvBytes());
        assertTrue(a.poll(LONG));
        assertTrue(a.poll(LONG));
        assertTrue(a.poll(0.0));
        assertArrayEquals(latin("cd"), a.recvBytes());
        p.join();
    }

    // ---- _TestPicklingConnections.test_access -----------------------------------------------

    @Test
    void testAccess() {
        Connection[] pair = SharedState.pipe();
        Connection conn = pair[0];
        Connection childConn = pair[1];
        Process p = new Process(() -> {
            Connection w = (Connection) childConn.recv();
            w.send("all is well");
            w.close();

            Connection r = (Connection) childConn.recv();
            String msg = (String) r.recv();
            childConn.send(msg + msg);
            childConn.close();
        }).daemon(true);
        p.start();
        childConn.close();

        Connection[] rw = SharedState.pipe(false);
        conn.send(rw[1]);
        rw[1].close();
        assertEquals("all is well", rw[0].recv());
        rw[0].close();

        Connection[] rw2 = SharedState.pipe(false);
        conn.send(rw2[0]);
        rw2[0].close();
        rw2[1].send("foobar");
        rw2[1].close();
        assertEquals("foobar".repeat(2), conn.recv());
        p.join();
    }
}
