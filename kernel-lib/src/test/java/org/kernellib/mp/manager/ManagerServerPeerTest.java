package org.kernellib.mp.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.connection.FrameChannel;
import org.kernellib.mp.shared.memory.RuntimeDir;
import org.kernellib.mp.shared.testing.OtherUser;

/**
 * A manager's socket against a process of another user that can reach it (as if the directory
 * wall had failed): the manager closes the connection without reading it, right token or not,
 * while a caller of this user with the same token is served.
 */
class ManagerServerPeerTest {
    @Test
    void shouldCloseAConnectionFromAnotherUserWithoutReadingItsToken() throws Exception {
        String why = OtherUser.unavailable();
        assumeTrue(why == null, why);
        Path dir = OtherUser.openDirectory("kernel-lib-manager-peer-test");
        Path socket = dir.resolve("manager.sock");
        String token = "secret-token-0123456789abcdef";
        Thread server = new Thread(() -> {
            try {
                ManagerServer.serve(socket.toString(), token);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "manager-under-test");
        server.setDaemon(true);
        try {
            server.start();
            long end = System.nanoTime() + 30_000_000_000L;
            // The server binds, then makes the socket 0600: open it up only after that, or the
            // server's chmod undoes ours (the impostor then got "Permission denied" in one CI run).
            while (!isPrivate(socket) && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rwxrwxrwx")); // the failed wall

            String line;
            try (OtherUser.Impostor impostor = OtherUser.impostor("connect", socket.toString(),
                    Byte.toString(ManagerProtocol.HELLO), token)) {
                line = impostor.awaitLine("received ", 30);
            }
            assertEquals("received 0", line, "the manager closed the connection without a word");

            // The same token from this user's process is served: the check is by user, not a wall for all.
            try (FrameChannel mine = FrameChannel.connect(socket)) {
                mine.send(ManagerProtocol.HELLO, 0, ManagerProtocol.hello(token, 42));
                mine.send(ManagerProtocol.CALL, 1, ManagerProtocol.call(ManagerProtocol.MANAGER_ID, "shutdown", new Object[0]));
                server.join(30_000);
            }
            assertFalse(server.isAlive(), "the manager took this user's shutdown call");
        } finally {
            RuntimeDir.deleteTree(dir);
        }
    }

    private static boolean isPrivate(final Path socket) {
        try {
            return Files.getPosixFilePermissions(socket).equals(PosixFilePermissions.fromString("rw-------"));
        } catch (java.io.IOException notYet) {
            return false;
        }
    }
}
