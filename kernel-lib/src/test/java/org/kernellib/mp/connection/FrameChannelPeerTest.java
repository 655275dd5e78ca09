package org.kernellib.mp.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kernellib.mp.shared.memory.RuntimeDir;
import org.kernellib.mp.shared.testing.OtherUser;

/**
 * A manager's caller against a listener of another user at the socket path (as if the directory
 * wall had failed): it refuses to connect, before it sends anything, its token least of all.
 */
class FrameChannelPeerTest {
    private Path dir;

    @BeforeEach
    void otherUserNeeded() throws Exception {
        String why = OtherUser.unavailable();
        assumeTrue(why == null, why);
        dir = OtherUser.openDirectory("kernel-lib-peer-test");
    }

    @AfterEach
    void removeDirectory() {
        if (dir != null) {
            RuntimeDir.deleteTree(dir);
        }
    }

    @Test
    void shouldRefuseToConnectToAServerOfAnotherUser() throws Exception {
        Path socket = dir.resolve("impostor.sock");
        try (OtherUser.Impostor impostor = OtherUser.impostor("listen", socket.toString())) {
            impostor.awaitLine("listening", 30);

            PeerCredentials.PeerRejectedException e = assertThrows(PeerCredentials.PeerRejectedException.class,
                    () -> FrameChannel.connect(socket));

            assertTrue(e.getMessage().contains("runs as user nobody"), e.getMessage());
            assertEquals("received 0 ", impostor.awaitLine("received ", 30), "nothing was sent to it");
        }
    }
}
