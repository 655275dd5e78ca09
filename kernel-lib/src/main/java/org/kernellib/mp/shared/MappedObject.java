package org.kernellib.mp.shared;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.nio.file.Path;
import org.kernellib.mp.shared.memory.SharedFile;

/**
 * A {@link SharedObject} whose memory is one {@link SharedFile}: the handle lifecycle every value,
 * array, lock, event and queue shares, written once. Subclasses extend {@link #unlink()} or
 * {@link #close()} where they own more than the file (a default lock, a closed flag).
 *
 * <p>Serialization is written once too: every subclass travels as the path of its file, through
 * {@link HandleCodec}, and is reopened by the magic its descriptor starts with.
 */
public abstract class MappedObject implements SharedObject {
    private static final long serialVersionUID = 1L;

    /** Transient: handles travel as a path (see {@link HandleCodec}), not as bytes. */
    protected final transient SharedFile file;

    protected MappedObject(final SharedFile file) {
        this.file = file;
    }

    @Override
    public Path path() {
        return file.path();
    }

    @Override
    public boolean isCreator() {
        return file.isCreator();
    }

    @Override
    public void unlink() {
        file.unlink();
    }

    @Override
    public void close() {
        file.close();
    }

    /**
     * True once this process closed the handle; a closed handle cannot be sent. Subclasses whose
     * close() keeps the mapping for a while (a queue lets a put in progress finish) override it.
     */
    public boolean isClosed() {
        return file.isClosed();
    }

    /**
     * Another handle that must travel with this one and be given back when it is reopened (the
     * lock of a synchronized value or of a condition), or null.
     */
    protected SharedObject companion() {
        return null;
    }

    /**
     * Serializable data that travels with the handle besides its file (a barrier's action), or
     * null; the receiving process gets it through {@link #attach(java.io.Serializable)}.
     */
    protected java.io.Serializable attachment() {
        return null;
    }

    /** Receives what {@link #attachment()} sent, right after the handle was reopened. */
    protected void attach(final java.io.Serializable attachment) {
    }

    /** Every handle is written as {@link HandleCodec}'s one form; subclasses cannot change that. */
    protected final Object writeReplace() throws ObjectStreamException {
        return HandleCodec.write(this);
    }

    /** A stream that claims to hold a handle's fields is forged: handles only travel as their form. */
    private void readObject(final ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("shared handles are deserialized through their path, never field by field");
    }

    private void readObjectNoData() throws InvalidObjectException {
        throw new InvalidObjectException("shared handles are deserialized through their path, never field by field");
    }
}
