package org.kernellib.mp.pool;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.kernellib.mp.connection.Frame;
import org.kernellib.mp.shared.memory.PrivatePaths;

/**
 * A pool frame whose payload is larger than a pipe holds ({@value #MIN_BYTES} bytes and up, a
 * chunk's results, say) travels as a file in the pool's private runtime directory (0700, see
 * {@code shared.memory.RuntimeDir}), and only a small {@link PoolProtocol#BULK} frame naming it
 * travels on the pipe. A pipe holds 64 KiB: a larger frame makes its writer wait until the reader
 * has been scheduled and drained it, once per 64 KiB, which on a busy machine is a scheduling delay
 * each time (a socket, which the pool used before, buffers 208 KiB). The file is on {@code /dev/shm}
 * (memory) where it can be; the reader deletes it, and the pool deletes what a dead worker left.
 * Its bytes are read exactly as they would have been from the pipe: through {@link PoolCodec}
 * and its filter.
 */
final class BulkPayloads {
    /**
     * Payloads this large or larger go through a file: what a pipe holds. A smaller one goes on
     * the pipe in pieces, without waiting for the reader: warm maps with 50 kB results took a
     * median 64 ms that way and 72 ms through files (six paired runs on the loaded 2-core machine,
     * within its noise).
     */
    static final int MIN_BYTES = 64 * 1024;
    private static final String PREFIX = "pool-bulk-";
    private static final Set<OpenOption> NEW_PRIVATE_FILE = Set.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

    private final Path dir;
    private final long pid;
    private int written;

    /**
     * @param dir the pool's runtime directory
     * @param pid the worker this side writes for (its own pid in a worker)
     */
    BulkPayloads(final Path dir, final long pid) {
        this.dir = dir;
        this.pid = pid;
    }

    /**
     * Writes {@code payload} of a frame of {@code type} to a fresh file; returns the payload of
     * the BULK frame that names it ({@code byte type, UTF file name}). Not thread-safe.
     */
    byte[] write(final byte type, final byte[] payload) throws IOException {
        String name = PREFIX + pid + "-" + (++written);
        // Mode 0600 from the start, like every file in the runtime directory, and never through a
        // link or over an existing file. (NIO costs a cold worker nothing here: only a large result,
        // long after start-up, comes this way.)
        try (SeekableByteChannel out = Files.newByteChannel(dir.resolve(name), NEW_PRIVATE_FILE,
                PosixFilePermissions.asFileAttribute(PrivatePaths.FILE))) {
            ByteBuffer buf = ByteBuffer.wrap(payload);
            while (buf.hasRemaining()) {
                out.write(buf);
            }
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(bos)) {
            d.writeByte(type);
            d.writeUTF(name);
        }
        return bos.toByteArray();
    }

    /**
     * The frame a BULK frame from worker {@code pid} stands for: reads and deletes the file it
     * names, which must be one of that worker's in the directory (never a path it chose).
     *
     * @throws IOException when the name is not such a file's, or it cannot be read
     */
    Frame read(final int requestId, final byte[] bulk) throws IOException {
        DataInputStream in = new DataInputStream(PoolProtocol.tail(bulk, 0));
        byte type = in.readByte();
        String name = in.readUTF();
        if (!name.matches(PREFIX + pid + "-[0-9]+")) {
            throw new IOException("a bulk frame names " + name + ", not a file of worker " + pid);
        }
        Path file = dir.resolve(name);
        try {
            try (InputStream bytes = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                return new Frame(type, requestId, bytes.readAllBytes());
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Deletes the files the worker wrote and nobody read (it died between writing and sending). */
    void deleteLeft() {
        try (DirectoryStream<Path> left = Files.newDirectoryStream(dir, PREFIX + pid + "-*")) {
            for (Path p : left) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // The directory goes with this JVM anyway.
        }
    }

    /** The directory, checked private when it was made; for the worker's task. */
    static String directory() {
        try {
            return org.kernellib.mp.shared.memory.RuntimeDir.get().toString();
        } catch (UncheckedIOException e) {
            throw new PoolException("cannot make the pool's runtime directory: " + e.getMessage(), e);
        }
    }
}
