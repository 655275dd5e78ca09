package org.kernellib.mp.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.shared.SharedState;
import org.kernellib.mp.shared.testing.ChildJvm;

/** End-of-file on a pipe, as Python's EOFError: only when the sending end is closed everywhere. */
class PipeEofTest {

    static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void afterTheLastMessageOfAClosedEndComesEndOfFile() {
        Connection[] ends = SharedState.pipe();
        try (Connection a = ends[0]; Connection b = ends[1]) {
            b.send("last");
            b.sendBytes(new byte[] {1});
            b.close();
            assertTimeoutPreemptively(LIMIT, () -> {
                assertEquals("last", a.recv());
                assertEquals(1, a.recvBytes().length);
                assertTrue(a.poll(Duration.ofSeconds(30)), "poll must report the end-of-file as ready");
                EofException e = assertThrows(EofException.class, a::recv);
                assertTrue(e.getMessage().contains("closed in every process"), e.getMessage());
                assertThrows(EofException.class, a::recvBytes);
            });
            // The other direction is unaffected: a still sends, though nobody will read it here.
            a.send("into the void");
            a.unlink();
        }
    }

    @Test
    void noEndOfFileWhileAnyHandleOfTheSendingEndIsOpen() {
        Connection[] ends = SharedState.pipe(false);
        try (Connection r = ends[0]; Connection w = ends[1]) {
            Connection copy = org.kernellib.mp.shared.testing.Serial.roundTrip(w);
            w.close();
            assertFalse(r.poll(Duration.ofMillis(300)), "a copy of the sending end is still open");
            copy.send("from the copy");
            assertEquals("from the copy", r.recv());
            copy.close();
            assertThrows(EofException.class, () -> assertTimeoutPreemptively(LIMIT, r::recv));
            r.unlink();
        }
    }

    /** Child: sends a greeting on its end and exits without closing it. */
    static void greet(final Object[] a) {
        ((Connection) a[0]).send("hello from " + ProcessHandle.current().pid());
    }

    /** Child: sends a greeting, then hangs until killed. */
    static void greetAndHang(final Object[] a) throws InterruptedException {
        greet(a);
        System.out.println("GREETED");
        Thread.sleep(120_000);
    }

    @Test
    void theParentSeesEndOfFileOnceTheChildEndedAndItsOwnCopyIsClosed() {
        Connection[] ends = SharedState.pipe();
        try (Connection mine = ends[0]; ChildJvm child = ChildJvm.start(PipeEofTest.class, "greet", ends[1])) {
            ends[1].close(); // right after start: the copy on its way to the child still counts
            assertTimeoutPreemptively(LIMIT, () -> {
                assertEquals("hello from " + child.pid(), mine.recv());
                child.assertSuccess(30_000);
                assertThrows(EofException.class, mine::recv);
            });
            mine.unlink();
        }
    }

    @Test
    void aKilledChildClosesItsEndAsAnOsWould() {
        Connection[] ends = SharedState.pipe();
        try (Connection mine = ends[0]; ChildJvm child = ChildJvm.start(PipeEofTest.class, "greetAndHang", ends[1])) {
            ends[1].close();
            child.awaitLine("GREETED", 60_000);
            assertEquals("hello from " + child.pid(), mine.recv());
            assertFalse(mine.poll(Duration.ofMillis(300)), "the child still holds its end");
            child.kill();
            assertThrows(EofException.class, () -> assertTimeoutPreemptively(LIMIT, mine::recv));
            mine.unlink();
        }
    }
}
