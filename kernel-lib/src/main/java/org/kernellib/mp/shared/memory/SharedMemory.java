package org.kernellib.mp.shared.memory;

import java.io.IOException;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A named block of shared memory, Python's {@code multiprocessing.shared_memory.SharedMemory}:
 * created here and attached by name from any process, Java or Python.
 *
 * <pre>{@code
 * SharedMemory shm = SharedMemory.create(1024);          // SharedMemory(create=True, size=1024)
 * shm.asLongBuffer().put(0, 42);                         // any process attaching shm.name() sees it
 * SharedMemory other = SharedMemory.attach(shm.name());  // SharedMemory(name)
 * other.close();
 * shm.close();
 * shm.unlink();                                          // once, by whoever owns the block
 * }</pre>
 *
 * <p><b>Same block as Python's.</b> A block named {@code X} is the file {@code /dev/shm/X}, which
 * is where Python's {@code shm_open("/X")} keeps it on Linux; generated names are Python's kind,
 * {@code psm_} and 8 hex digits. The file is created with {@code O_CREAT|O_EXCL}, mode 0600, its
 * size exactly the size asked for, zero-filled. Names are checked ({@link ShmName}): a slash or
 * {@code ..} is refused with an error.
 *
 * <p><b>Trust.</b> A block is attached only when {@code /dev/shm/X} is a regular file (not a
 * link) of this user with no permission for group or others, in a directory where no other user
 * can replace it ({@link PrivatePaths}). A block another user made is refused with a
 * {@link SecurityException} naming the owner, never mapped silently.
 *
 * <p><b>Who unlinks.</b> As in Python, {@link #close()} ends this handle's access and
 * {@link #unlink()} removes the name, once, from whichever handle. A block created here is also
 * tracked, like Python's resource tracker does: if it is still there when this JVM exits, it is
 * unlinked then, and if this JVM is killed, the next kernel-lib JVM (every notebook kernel as it
 * starts) unlinks it ({@link CreatedBlocks}). {@link #create(String, long, boolean)} with
 * {@code track = false} opts out (Python 3.13's {@code track=False}): then only an explicit
 * {@code unlink()} removes the block. A handle that attached never unlinks at exit.
 *
 * <p><b>With Python.</b> Python's resource tracker unlinks, when the Python program ends, every
 * block that program created <em>or attached</em>, and prints a "leaked shared_memory objects"
 * warning. So the rule is: <em>the side that created a block unlinks it</em>, and a Python program
 * that attaches a block Java created tells its tracker to leave it alone:
 *
 * <pre>
 * shm = SharedMemory(name, track=False)                  # Python 3.13 and later
 * # Python 3.8 to 3.12:
 * shm = SharedMemory(name)
 * resource_tracker.unregister(shm._name, "shared_memory")  # from multiprocessing import resource_tracker
 * ...
 * shm.close()                                            # never shm.unlink(): Java unlinks
 * </pre>
 *
 * For a {@link ShareableList} (which has no {@code track} argument) the second form works on every
 * version: {@code resource_tracker.unregister(sl.shm._name, "shared_memory")}. A Python program
 * that created a block unlinks it itself once Java is done with it; Java only closes.
 *
 * <p><b>Differences from Python.</b> Java cannot unmap memory safely while another thread may
 * still read it, so {@code close()} drops this handle's mapping (later calls throw
 * {@link IllegalStateException}) but a {@code ByteBuffer} taken from {@link #buf()} earlier stays
 * usable until it is garbage; Python's {@code buf} refuses after {@code close()}. A block is at most
 * {@link SharedFile#MAX_SIZE} bytes. A block created in a worker process is unlinked when that
 * worker exits, unless created with {@code track = false} (Python's children share their parent's
 * tracker, so there the block lives until the whole program ends).
 *
 * <p>A handle sent to another kernel-lib process (as an argument or captured variable) travels as
 * its name and attaches there, as Python pickles it.
 */
public final class SharedMemory implements AutoCloseable, Serializable {
    private static final long serialVersionUID = 1L;

    private final transient SharedFile file;
    private final transient String name;
    private final transient Object identity;

    private SharedMemory(final SharedFile file, final String name) {
        this.file = file;
        this.name = name;
        this.identity = PrivatePaths.fileKey(file.path());
    }

    /** A new block of {@code size} bytes under a fresh name ({@code psm_...}); {@code SharedMemory(create=True, size=size)}. */
    public static SharedMemory create(final long size) {
        requireSize(size);
        for (int attempt = 0; ; attempt++) {
            String name = ShmName.generate();
            try {
                return createTracked(name, size, true);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 20) {
                    throw new IllegalStateException("twenty fresh psm_ names all existed in " + ShmName.DIRECTORY
                            + "; something is filling it", e);
                }
            }
        }
    }

    /** A new block called {@code name}; fails if one exists. {@code SharedMemory(name, create=True, size=size)}. */
    public static SharedMemory create(final String name, final long size) {
        return create(name, size, true);
    }

    /**
     * A new block called {@code name}. With {@code track} false this JVM never unlinks it on its
     * own, so it outlives this JVM until someone calls {@link #unlink()} (Python's {@code track=False}).
     */
    public static SharedMemory create(final String name, final long size, final boolean track) {
        ShmName.requireValid(name);
        requireSize(size);
        try {
            return createTracked(name, size, track);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("a shared memory block named '" + name + "' exists already ("
                    + ShmName.DIRECTORY.resolve(name) + "): attach it with SharedMemory.attach(\"" + name
                    + "\"), choose another name, or leave the name out to get a fresh one", e);
        }
    }

    private static SharedMemory createTracked(final String name, final long size, final boolean track)
            throws FileAlreadyExistsException {
        SharedFile file = SharedFile.createExclusive(ShmName.pathOf(name), size);
        if (track) {
            try {
                CreatedBlocks.track(file.path());
            } catch (RuntimeException e) {
                try {
                    Files.deleteIfExists(file.path());
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
        return new SharedMemory(file, name);
    }

    /** The existing block called {@code name}, made by any process of this user; {@code SharedMemory(name)}. */
    public static SharedMemory attach(final String name) {
        Path path = ShmName.pathOf(name);
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalStateException("no shared memory block named '" + name + "' (" + path + " does not"
                    + " exist): its creator has not made it yet, or unlinked it, or ended");
        }
        return new SharedMemory(SharedFile.attachInStickyDirectory(path), name);
    }

    private static void requireSize(final long size) {
        if (size <= 0 || size > SharedFile.MAX_SIZE) {
            throw new IllegalArgumentException("a shared memory block's size must be between 1 and "
                    + SharedFile.MAX_SIZE + " bytes, got " + size);
        }
    }

    /** The name other processes attach with, without a slash (Python's {@code name}). */
    public String name() {
        return name;
    }

    /** The size in bytes (Python's {@code size}). */
    public int size() {
        return file.size();
    }

    /** True for the handle that created the block. */
    public boolean isCreator() {
        return file.isCreator();
    }

    /**
     * The block's bytes (Python's {@code buf}): a new view each call, position 0, limit
     * {@link #size()}, in the machine's byte order (as Python's {@code struct} packs by default).
     */
    public ByteBuffer buf() {
        return file.buffer().duplicate().order(ByteOrder.nativeOrder());
    }

    /** The block as longs (8 bytes each, Python's {@code 'q'}); element i is at byte 8i. */
    public LongBuffer asLongBuffer() {
        return buf().asLongBuffer();
    }

    /** The block as ints (4 bytes each, Python's {@code 'i'}). */
    public IntBuffer asIntBuffer() {
        return buf().asIntBuffer();
    }

    /** The block as doubles (8 bytes each, Python's {@code 'd'}). */
    public DoubleBuffer asDoubleBuffer() {
        return buf().asDoubleBuffer();
    }

    /** Ends this handle's access; the block and other handles are unaffected. Idempotent. */
    @Override
    public void close() {
        file.close();
    }

    public boolean isClosed() {
        return file.isClosed();
    }

    /**
     * Removes the block's name, so no one can attach it any more; mappings that exist stay valid
     * and the memory is freed when the last is gone. Call it once, from any handle, when no process
     * needs to attach any more. It removes {@code /dev/shm/<name>} only while that is still this
     * block: a name reused since for another block is left alone, and a second call does nothing.
     */
    public void unlink() {
        Path path = file.path();
        CreatedBlocks.forget(path);
        try {
            if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    && identity.equals(PrivatePaths.fileKey(path))) {
                Files.deleteIfExists(path);
            }
        } catch (IllegalStateException e) {
            // Removed between the two checks: the name is gone, which is what unlink wants.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unlink shared memory block " + path, e);
        }
    }

    @Override
    public String toString() {
        return "SharedMemory('" + name + "', size=" + (isClosed() ? "closed" : size()) + ")";
    }

    /** Travels as its name and attaches at the other end, as Python pickles it. */
    private Object writeReplace() throws ObjectStreamException {
        return new BlockByName(name, false);
    }

    private void readObject(final java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
        throw new java.io.InvalidObjectException("a SharedMemory travels as its name only");
    }
}
