package org.kernellib.mp.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.connection.PeerCredentials;
import org.kernellib.mp.shared.memory.RuntimeDir;
import org.kernellib.mp.shared.testing.OtherUser;

/** A pool worker whose socket path leads to another user's process stops and never sends its token. */
class PoolWorkerImpostorTest {
    @Test
    void shouldStopWithAClearErrorAndKeepTheTokenWhenAnotherUserListens() throws Exception {
        String why = OtherUser.unavailable();
        assumeTrue(why == null, why);
        Path dir = OtherUser.openDirectory("kernel-lib-worker-impostor");
        Path socket = dir.resolve("control.sock");
        String token = "secret-token-0123456789abcdef";
        try (OtherUser.Impostor impostor = OtherUser.impostor("listen", socket.toString())) {
            impostor.awaitLine("listening", 30);

            Exception e = assertThrows(PeerCredentials.PeerRejectedException.class,
                    () -> PoolWorkerLoop.task(socket.toString(), token).run());

            assertTrue(e.getMessage().contains("refusing the socket " + socket), e.getMessage());
            assertTrue(e.getMessage().contains("runs as user nobody"), e.getMessage());
            String received = impostor.awaitLine("received ", 30);
            assertEquals("received 0 ", received, "the impostor got nothing, the token least of all");
        } finally {
            RuntimeDir.deleteTree(dir);
        }
    }
}
