package org.kernellib.mp.shared.memory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;


/**
 * One memory-mapped file shared between processes, with access methods named after their memory
 * ordering.
 *
 * <p>The file is created with mode 0600 in this JVM's {@link RuntimeDir} (under {@code /dev/shm},
 * so the pages are memory, not disk), and is attached only when it and its directory are private to
 * this user ({@link PrivatePaths}). Every other process maps the same file by its path; Linux
 * maps the same page-cache pages into every process, so the atomic and ordered accesses below are
 * exact across processes, just as between threads.
 *
 * <p>Only the creator removes the name ({@link #unlink()}); every process, the creator included,
 * may {@link #close()} its own view. Java cannot unmap a {@link MappedByteBuffer} safely while other
 * threads might still use it, so closing drops this object's reference and the pages are unmapped
 * when the buffer is collected; any later access through this object fails with
 * {@link IllegalStateException}.
 *
 * <p>All offsets are byte offsets from the start of the file. Atomic accesses need natural
 * alignment (4 for int, 8 for long); the descriptors guarantee it.
 */
public final class SharedFile {
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle DOUBLE = MethodHandles.byteBufferViewVarHandle(double[].class, ByteOrder.nativeOrder());
    private static final VarHandle CHAR = MethodHandles.byteBufferViewVarHandle(char[].class, ByteOrder.nativeOrder());
    private static final VarHandle SHORT = MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.nativeOrder());
    private static final AtomicLong SEQUENCE = new AtomicLong();

    /** Largest file one mapping can cover: a {@link MappedByteBuffer} is indexed by int. */
    public static final long MAX_SIZE = Integer.MAX_VALUE - 7;

    private final Path path;
    private final boolean creator;
    private final int size;
    // Not final so close() can drop it; read through buffer() which checks it.
    private MappedByteBuffer buffer;

    private SharedFile(final Path path, final MappedByteBuffer buffer, final boolean creator) {
        this.path = path;
        buffer.order(ByteOrder.nativeOrder());
        this.buffer = buffer;
        this.creator = creator;
        this.size = buffer.capacity();
    }

    /**
     * Creates a zero-filled file of {@code size} bytes, mode 0600, in this JVM's runtime directory.
     *
     * @param kind a short word naming what the file holds; it starts the file name to help humans
     */
    public static SharedFile create(final String kind, final long size) {
        if (size <= 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException("shared memory size must be between 1 and " + MAX_SIZE
                    + " bytes, got " + size);
        }
        Path dir = RuntimeDir.get();
        for (int attempt = 0; ; attempt++) {
            Path path = dir.resolve(kind + "-" + SEQUENCE.incrementAndGet() + "-"
                    + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFFFFFFL));
            try {
                return createExclusive(path, size);
            } catch (FileAlreadyExistsException e) {
                if (attempt < 10) {
                    continue;
                }
                throw new UncheckedIOException("cannot find a free name in " + dir, e);
            }
        }
    }

    /**
     * Creates a zero-filled file of {@code size} bytes, mode 0600, at exactly {@code path}, which
     * must not exist in any form (a link there fails too: the creation is {@code O_CREAT|O_EXCL}).
     *
     * @throws FileAlreadyExistsException when something is at {@code path} already
     */
    public static SharedFile createExclusive(final Path path, final long size) throws FileAlreadyExistsException {
        if (size <= 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException("shared memory size must be between 1 and " + MAX_SIZE
                    + " bytes, got " + size);
        }
        try {
            // CREATE_NEW semantics: never opens what is already there.
            Files.createFile(path, PosixFilePermissions.asFileAttribute(PrivatePaths.FILE));
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create shared memory file " + path, e);
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            // Extending the file leaves a hole that reads as zeros: every layout starts all-zero.
            ch.truncate(0);
            ch.write(java.nio.ByteBuffer.wrap(new byte[1]), size - 1);
            return new SharedFile(path, ch.map(FileChannel.MapMode.READ_WRITE, 0, size), true);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // Best effort; a file in the runtime directory goes away at exit anyway.
            }
            throw new UncheckedIOException("cannot size or map shared memory file " + path + " to " + size
                    + " bytes; is " + path.getParent() + " full?", e);
        }
    }

    /**
     * Maps an existing file that lives in a directory every user may write to but where only an
     * entry's owner may remove or rename it ({@code /dev/shm}, mode 1777), as Python's named blocks
     * do. The file must be private to this user ({@link PrivatePaths#requirePrivateFile}); it is
     * checked before it is opened, and since the sticky directory lets no other user replace a
     * file of ours, the file opened is the file checked (its identity is compared anyway).
     */
    public static SharedFile attachInStickyDirectory(final Path path) {
        PrivatePaths.requireStickyDirectory(path.toAbsolutePath().getParent(), "the shared memory directory");
        PrivatePaths.requirePrivateFile(path, "the shared memory file");
        Object checked = PrivatePaths.fileKey(path);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            if (!checked.equals(PrivatePaths.fileKey(path))) {
                throw new SecurityException("shared memory file " + path + " was replaced while it was opened;"
                        + " kernel-lib will not map it");
            }
            return map(path, ch);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("shared memory file " + path + " no longer exists", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map shared memory file " + path, e);
        }
    }

    private static SharedFile map(final Path path, final FileChannel ch) throws IOException {
        long size = ch.size();
        if (size <= 0 || size > MAX_SIZE) {
            throw new IllegalStateException("shared memory file " + path + " has size " + size
                    + ", expected 1.." + MAX_SIZE);
        }
        return new SharedFile(path, ch.map(FileChannel.MapMode.READ_WRITE, 0, size), false);
    }

    /**
     * Maps an existing file created by another process (or by this one) into this process. The file
     * must be private to this user (see {@link PrivatePaths}), and so must its directory: a path
     * that came from elsewhere never maps a file someone else could write.
     */
    public static SharedFile attach(final Path path) {
        // NOFOLLOW_LINKS: a link in the file's place fails here rather than mapping its target.
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            PrivatePaths.requirePrivateDirectory(path.toAbsolutePath().getParent(), "the runtime directory");
            PrivatePaths.requirePrivateFile(path, "the shared memory file");
            return map(path, ch);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("shared memory file " + path
                    + " no longer exists: its creator unlinked it or exited", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map shared memory file " + path, e);
        }
    }

    public Path path() {
        return path;
    }

    /** True in the process that created the file (the only one that may unlink it). */
    public boolean isCreator() {
        return creator;
    }

    public int size() {
        return size;
    }

    public boolean isClosed() {
        return buffer == null;
    }

    /** Removes the file name; mappings that exist stay valid. Only the creator may do this. */
    public void unlink() {
        if (!creator) {
            throw new IllegalStateException("only the creating process may unlink " + path
                    + "; this process attached to it, so close() it instead");
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unlink " + path, e);
        }
    }

    /** Drops this process's view; later accesses through this object throw. Idempotent. */
    public void close() {
        buffer = null;
    }

    /** The mapped buffer (native byte order); throws when closed. */
    public MappedByteBuffer buffer() {
        MappedByteBuffer b = buffer;
        if (b == null) {
            throw new IllegalStateException("shared memory " + path + " was closed in this process");
        }
        return b;
    }

    // ---- int -------------------------------------------------------------------------------
    public int getIntPlain(final int offset) {
        return (int) INT.get(buffer(), offset);
    }

    public void setIntPlain(final int offset, final int value) {
        INT.set(buffer(), offset, value);
    }

    public int getIntAcquire(final int offset) {
        return (int) INT.getAcquire(buffer(), offset);
    }

    public int getIntVolatile(final int offset) {
        return (int) INT.getVolatile(buffer(), offset);
    }

    public void setIntRelease(final int offset, final int value) {
        INT.setRelease(buffer(), offset, value);
    }

    public void setIntVolatile(final int offset, final int value) {
        INT.setVolatile(buffer(), offset, value);
    }

    public boolean compareAndSetInt(final int offset, final int expected, final int value) {
        return INT.compareAndSet(buffer(), offset, expected, value);
    }

    public int getAndAddInt(final int offset, final int delta) {
        return (int) INT.getAndAdd(buffer(), offset, delta);
    }

    public int getAndSetInt(final int offset, final int value) {
        return (int) INT.getAndSet(buffer(), offset, value);
    }

    // ---- long ------------------------------------------------------------------------------
    public long getLongPlain(final int offset) {
        return (long) LONG.get(buffer(), offset);
    }

    public void setLongPlain(final int offset, final long value) {
        LONG.set(buffer(), offset, value);
    }

    public long getLongAcquire(final int offset) {
        return (long) LONG.getAcquire(buffer(), offset);
    }

    public long getLongVolatile(final int offset) {
        return (long) LONG.getVolatile(buffer(), offset);
    }

    public void setLongRelease(final int offset, final long value) {
        LONG.setRelease(buffer(), offset, value);
    }

    public void setLongVolatile(final int offset, final long value) {
        LONG.setVolatile(buffer(), offset, value);
    }

    public boolean compareAndSetLong(final int offset, final long expected, final long value) {
        return LONG.compareAndSet(buffer(), offset, expected, value);
    }

    public long getAndAddLong(final int offset, final long delta) {
        return (long) LONG.getAndAdd(buffer(), offset, delta);
    }

    public long getAndSetLong(final int offset, final long value) {
        return (long) LONG.getAndSet(buffer(), offset, value);
    }

    // ---- double, char, byte ----------------------------------------------------------------
    public double getDoubleAcquire(final int offset) {
        return (double) DOUBLE.getAcquire(buffer(), offset);
    }

    public void setDoubleRelease(final int offset, final double value) {
        DOUBLE.setRelease(buffer(), offset, value);
    }

    public boolean compareAndSetDouble(final int offset, final double expected, final double value) {
        // Compares bit patterns, so NaN == NaN and -0.0 != 0.0, as the hardware does.
        return DOUBLE.compareAndSet(buffer(), offset, expected, value);
    }

    public char getCharAcquire(final int offset) {
        return (char) CHAR.getAcquire(buffer(), offset);
    }

    public void setCharRelease(final int offset, final char value) {
        CHAR.setRelease(buffer(), offset, value);
    }

    public short getShortAcquire(final int offset) {
        return (short) SHORT.getAcquire(buffer(), offset);
    }

    public void setShortRelease(final int offset, final short value) {
        SHORT.setRelease(buffer(), offset, value);
    }

    /** A byte load followed by an acquire fence: later loads cannot move before it. */
    public byte getByteAcquire(final int offset) {
        byte b = buffer().get(offset);
        VarHandle.acquireFence();
        return b;
    }

    /** A release fence followed by a byte store: earlier stores cannot move after it. */
    public void setByteRelease(final int offset, final byte value) {
        MappedByteBuffer b = buffer();
        VarHandle.releaseFence();
        b.put(offset, value);
    }

    /** Copies bytes in; ordering is the caller's business (publish with a release store after). */
    public void putBytesPlain(final int offset, final byte[] src, final int srcOffset, final int length) {
        buffer().put(offset, src, srcOffset, length);
    }

    /** Copies bytes out; ordering is the caller's business (read after an acquire load). */
    public void getBytesPlain(final int offset, final byte[] dst, final int dstOffset, final int length) {
        buffer().get(offset, dst, dstOffset, length);
    }

    /** Zero-fills a range with plain stores. */
    public void setMemoryPlain(final int offset, final int length, final byte value) {
        MappedByteBuffer b = buffer();
        int i = offset;
        int end = offset + length;
        long fill = (value & 0xFFL) * 0x0101010101010101L;
        while (i < end && (i & 7) != 0) {
            b.put(i++, value);
        }
        while (i + 8 <= end) {
            LONG.set(b, i, fill);
            i += 8;
        }
        while (i < end) {
            b.put(i++, value);
        }
    }

    @Override
    public String toString() {
        return "SharedFile[" + path + (creator ? ", creator" : ", attached") + ", " + size + " bytes]";
    }
}
