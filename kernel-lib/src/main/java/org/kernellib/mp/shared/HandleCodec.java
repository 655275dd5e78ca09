package org.kernellib.mp.shared;

import java.io.InvalidObjectException;
import java.io.NotSerializableException;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;

import org.kernellib.mp.shared.memory.SharedFile;
import org.kernellib.mp.shared.queue.Queue;
import org.kernellib.mp.shared.sync.Barrier;
import org.kernellib.mp.shared.sync.Condition;
import org.kernellib.mp.shared.sync.Event;
import org.kernellib.mp.shared.sync.SemLock;

/**
 * How every shared handle travels to another process, written once (CPython's {@code reduction}
 * keeps one table of reducers the same way).
 *
 * <p>A {@link MappedObject} is written as one small {@link Form}: the path of its file and, for a
 * value or condition guarded by a lock, that lock's handle (which travels the same way). Reading
 * the form maps the file and looks at the magic its descriptor starts with; the {@link Opener}
 * registered for that magic checks the file's length and builds the handle of the right type over
 * it. The file says what it is, so a handle cannot be reopened as something else, and a file that
 * is not ours (or is corrupt) is refused with a message that says so.
 *
 * <p>Handles made of others ({@code SimpleQueue}, {@code Connection}) have no form of their own:
 * Java's default serialization writes their fields, and each field is a handle written here.
 */
public final class HandleCodec {
    private HandleCodec() {
    }

    /** Builds a handle over a file whose magic and length were checked. */
    @FunctionalInterface
    public interface OpenFunction {
        MappedObject open(SharedFile file, SharedObject companion);
    }

    /**
     * One registry entry: the magic a descriptor starts with, what such a file holds (for
     * messages), the least length a valid file has, and how to build its handle. Each kind of
     * handle declares its own ({@code SemLock.OPENER}, {@code Queue.OPENER}, ...).
     */
    public static final class Opener {
        final int magic;
        final String what;
        final int minLength;
        final OpenFunction open;

        public Opener(final int magic, final String what, final int minLength, final OpenFunction open) {
            this.magic = magic;
            this.what = what;
            this.minLength = minLength;
            this.open = open;
        }
    }

    /**
     * The registry, keyed by magic. In a holder so that it is built on first use, after (and
     * without being needed by) the class initialisation of the handle classes it lists.
     */
    private static final class Registry {
        static final Map<Integer, Opener> OPENERS = index(SharedData.OPENER, SemLock.OPENER, Event.OPENER,
                Condition.OPENER, Barrier.OPENER, Queue.OPENER);

        private static Map<Integer, Opener> index(final Opener... openers) {
            Map<Integer, Opener> byMagic = new HashMap<>();
            for (Opener o : openers) {
                if (byMagic.put(o.magic, o) != null) {
                    throw new IllegalStateException("two kinds of shared object use the magic " + magicText(o.magic));
                }
            }
            return Map.copyOf(byMagic);
        }
    }

    /** The serialized form of {@code handle}; called by {@link MappedObject}'s writeReplace. */
    static Serializable write(final MappedObject handle) throws ObjectStreamException {
        if (handle.isClosed()) {
            throw new NotSerializableException("cannot send " + handle.getClass().getSimpleName() + " at "
                    + handle.file.path() + ": it was closed in this process");
        }
        return new Form(handle.getClass().getName(), handle.file.path().toString(), handle.companion(),
                handle.attachment());
    }

    /** Maps the file at {@code path} and builds the handle its magic names. */
    static MappedObject open(final String path, final SharedObject companion) {
        SharedFile file = SharedFile.attach(Paths.get(path));
        try {
            if (file.size() < Integer.BYTES) {
                throw new IllegalStateException(path + " is " + file.size() + " bytes long, too short to be a"
                        + " kernel-lib shared object: it is corrupt or not one of ours");
            }
            int magic = file.getIntAcquire(0);
            Opener opener = Registry.OPENERS.get(magic);
            if (opener == null) {
                throw new IllegalStateException(path + " starts with " + magicText(magic) + ", which is not the magic"
                        + " of any kernel-lib shared object (" + knownMagics() + "): it is corrupt or not one of ours");
            }
            if (file.size() < opener.minLength) {
                throw new IllegalStateException(path + " is " + file.size() + " bytes long, too short for "
                        + opener.what + " (at least " + opener.minLength + "): it is corrupt");
            }
            return opener.open.open(file, companion);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** The four magic bytes as text when they are printable ({@code 'KLAR'}), else in hex. */
    static String magicText(final int magic) {
        byte[] bytes = {(byte) magic, (byte) (magic >>> 8), (byte) (magic >>> 16), (byte) (magic >>> 24)};
        for (byte b : bytes) {
            if (b < 0x20 || b > 0x7E) {
                return String.format("0x%08x", magic);
            }
        }
        return "'" + new String(bytes, StandardCharsets.US_ASCII) + "'";
    }

    private static String knownMagics() {
        StringJoiner known = new StringJoiner(", ", "known: ", "");
        for (Opener o : Registry.OPENERS.values()) {
            known.add(magicText(o.magic) + " " + o.what);
        }
        return known.toString();
    }

    /**
     * The one serialized form of every shared handle: the class it was sent as (checked on
     * arrival), the file's path, the companion handle (a guarding lock) or null, and the
     * handle's attachment (a barrier's action) or null.
     */
    private static final class Form implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String type;
        private final String path;
        private final SharedObject companion;
        private final Serializable attachment;

        Form(final String type, final String path, final SharedObject companion, final Serializable attachment) {
            this.type = type;
            this.path = path;
            this.companion = companion;
            this.attachment = attachment;
        }

        private Object readResolve() throws ObjectStreamException {
            String name = type == null ? "object" : type.substring(type.lastIndexOf('.') + 1);
            try {
                if (path == null) {
                    throw new IllegalStateException("the serialized handle has no path");
                }
                MappedObject handle = open(path, companion);
                if (!handle.getClass().getName().equals(type)) {
                    handle.close();
                    throw new IllegalStateException(path + " now holds a " + handle.getClass().getSimpleName() + " instead");
                }
                if (attachment != null) {
                    handle.attach(attachment);
                }
                return handle;
            } catch (RuntimeException e) {
                InvalidObjectException ex = new InvalidObjectException("cannot attach to shared " + name + " at " + path
                        + ": " + e.getMessage());
                ex.initCause(e);
                throw ex;
            }
        }
    }
}
