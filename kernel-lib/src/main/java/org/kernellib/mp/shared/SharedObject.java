package org.kernellib.mp.shared;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * A handle on an object that lives in shared memory.
 *
 * <p>Handles are {@link Serializable}: serializing one writes only where its memory is (file path
 * and layout), and deserializing it in another process maps that same memory there. That is how
 * shared objects reach worker processes, as arguments of a task or as captured variables.
 *
 * <p>Lifetime follows Python's {@code shared_memory}: {@link #close()} ends this process's use of
 * the handle; {@link #unlink()} (creator only) removes the name so no new process can attach, while
 * processes already attached keep working. Whatever the creator did not unlink disappears with its
 * runtime directory when the creator's JVM exits.
 */
public interface SharedObject extends Serializable, AutoCloseable {
    /** The file that holds the memory (for diagnostics). */
    Path path();

    /** True in the process that created the object. */
    boolean isCreator();

    /** Removes the shared memory's name; only the creating process may. Idempotent. */
    void unlink();

    /** Ends this process's use of the handle; later calls on it throw. Idempotent. */
    @Override
    void close();
}
