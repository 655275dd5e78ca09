package org.kernellib.mp.shared;

import java.nio.file.Path;
import org.kernellib.mp.shared.memory.SharedFile;

/**
 * A {@link SharedObject} whose memory is one {@link SharedFile}: the handle lifecycle every value,
 * array, lock, event and queue shares, written once. Subclasses extend {@link #unlink()} or
 * {@link #close()} where they own more than the file (a default lock, a closed flag).
 */
public abstract class MappedObject implements SharedObject {
    private static final long serialVersionUID = 1L;

    /** Transient: handles travel as a path (see each subclass's serialization proxy), not as bytes. */
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
}
