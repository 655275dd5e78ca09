package org.kernellib.mp.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kernellib.mp.connection.Frame;

/** A large payload through a file: read whole once, deleted, and only from a file of that worker. */
class BulkPayloadsTest {
    @TempDir
    Path dir;

    @Test
    void aPayloadWrittenByAWorkerIsReadWholeOnceAndDeleted() throws Exception {
        byte[] payload = PoolTest.pattern(3, 100_000);
        byte[] bulk = new BulkPayloads(dir, 42).write(PoolProtocol.RESULT, payload);

        Frame f = new BulkPayloads(dir, 42).read(7, bulk);

        assertEquals(PoolProtocol.RESULT, f.type());
        assertEquals(7, f.requestId());
        assertArrayEquals(payload, f.payload());
        try (var left = Files.list(dir)) {
            assertEquals(0, left.count(), "the file is deleted once read");
        }
    }

    @Test
    void aPayloadFileIsTheUsersAloneAndNeverWrittenThroughALink() throws Exception {
        BulkPayloads worker = new BulkPayloads(dir, 42);
        worker.write(PoolProtocol.RESULT, new byte[10]);
        Path first = dir.resolve("pool-bulk-42-1");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(first)));
        // A link planted where the next file will be is not followed.
        Path target = dir.resolve("target");
        Files.write(target, new byte[] {1});
        Files.createSymbolicLink(dir.resolve("pool-bulk-42-2"), target);
        assertThrows(IOException.class, () -> worker.write(PoolProtocol.RESULT, new byte[10]));
        assertArrayEquals(new byte[] {1}, Files.readAllBytes(target));
    }

    @Test
    void onlyAFileOfThatWorkerIsReadNeverAPathItNames() throws Exception {
        Files.write(dir.resolve("secret"), new byte[] {1});
        byte[] ofAnother = new BulkPayloads(dir, 43).write(PoolProtocol.RESULT, new byte[10]);
        for (byte[] bulk : new byte[][] {named("../secret"), named("secret"), named(dir.resolve("secret").toString()), ofAnother}) {
            IOException e = assertThrows(IOException.class, () -> new BulkPayloads(dir, 42).read(1, bulk));
            assertTrue(e.getMessage().contains("not a file of worker 42"), e.getMessage());
        }
        assertTrue(Files.exists(dir.resolve("secret")));
    }

    @Test
    void whatADeadWorkerLeftIsDeleted() throws Exception {
        new BulkPayloads(dir, 42).write(PoolProtocol.RESULT, new byte[10]);
        new BulkPayloads(dir, 43).write(PoolProtocol.RESULT, new byte[10]);
        new BulkPayloads(dir, 42).deleteLeft();
        try (var left = Files.list(dir)) {
            assertFalse(left.anyMatch(p -> p.getFileName().toString().contains("-42-")));
        }
        try (var left = Files.list(dir)) {
            assertEquals(1, left.count(), "another worker's file stays");
        }
    }

    private static byte[] named(final String name) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(bos)) {
            d.writeByte(PoolProtocol.RESULT);
            d.writeUTF(name);
        }
        return bos.toByteArray();
    }
}
