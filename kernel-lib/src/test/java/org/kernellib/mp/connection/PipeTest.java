package org.kernellib.mp.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.shared.SharedState;
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
            w.send("not bytes");
            e = assertThrows(IllegalStateException.class, r::recvBytes);
            assertTrue(e.getMessage().contains("java.lang.String"), e.getMessage());
            r.unlink();
        }
    }
}
