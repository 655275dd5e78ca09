package org.kernellib.mp.shared.sync;

import java.io.InvalidObjectException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.nio.file.Path;

import org.kernellib.mp.shared.MappedObject;
import org.kernellib.mp.shared.SharedObject;
import org.kernellib.mp.shared.memory.SharedFile;

/** What Event, Condition and Barrier share: one file, the handle lifecycle, and serialization by proxy. */
abstract class SyncHandle extends MappedObject {
    private static final long serialVersionUID = 1L;


    SyncHandle(final SharedFile file) {
        super(file);
    }

    static SharedFile attach(final Path path, final int magic, final int length, final String what) {
        SharedFile f = SharedFile.attach(path);
        if (f.size() < length || f.getIntAcquire(0) != magic) {
            throw new IllegalStateException(path + " does not hold " + what);
        }
        return f;
    }

    static InvalidObjectException attachFailed(final String what, final String path, final RuntimeException e) {
        InvalidObjectException ex = new InvalidObjectException("cannot attach to shared " + what + " at " + path + ": "
                + e.getMessage());
        ex.initCause(e);
        return ex;
    }





    /** The serialization proxy. */
    abstract Object ref();

    final Object writeReplace() throws ObjectStreamException {
        if (file.isClosed()) {
            throw new NotSerializableException("cannot send " + getClass().getSimpleName() + " at " + file.path()
                    + ": it was closed in this process");
        }
        return ref();
    }

    private void readObject(final ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("shared handles are deserialized through their proxy");
    }
}
