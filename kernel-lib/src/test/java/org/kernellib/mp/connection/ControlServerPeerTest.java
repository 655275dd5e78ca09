package org.kernellib.mp.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kernellib.mp.shared.memory.RuntimeDir;
import org.kernellib.mp.shared.testing.OtherUser;

/**
 * The pool's socket against a process of another user that can reach it (as if the directory
 * wall had failed): the server reads nothing from it, and a worker sends it nothing.
 */
class ControlServerPeerTest {
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
    void shouldCloseAConnectionFromAnotherUserWithoutReadingItsToken() throws Exception {
        Path socket = dir.resolve("control.sock");
        ControlServer server = new ControlServer(socket);
        try {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)),
                    "the socket file itself admits only this user");
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rwxrwxrwx")); // the failed wall
            String token = server.newToken();
            CompletableFuture<ControlServer.Hello> hello = server.expect(token);

            String line;
            try (OtherUser.Impostor impostor = OtherUser.impostor("connect", socket.toString(),
                    Byte.toString(FrameDescriptor.HELLO), token)) {
                line = impostor.awaitLine("received ", 30);
            }

            assertEquals("received 0", line, "the server closed the connection without a word");
            assertFalse(hello.isDone(), "a HELLO with the right token from another user is never accepted");
            assertEquals(1, server.rejectedPeers());

            // The same token from this user's process is accepted: the check is by user, not a wall for all.
            try (FrameChannel mine = FrameChannel.connect(socket)) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                try (DataOutputStream d = new DataOutputStream(b)) {
                    d.writeUTF(token);
                    d.writeLong(42);
                }
                mine.send(FrameDescriptor.HELLO, 0, b.toByteArray());
                assertEquals(42, hello.get(30, TimeUnit.SECONDS).pid());
                hello.get().connection().close();
            }
        } finally {
            server.close();
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
