package org.kernellib.mp.start;

import java.io.IOException;

/**
 * How a worker JVM comes to exist: the Java counterpart of CPython's {@code popen_spawn_posix} /
 * {@code popen_forkserver} split. An implementation hands back a worker that is connected to this
 * parent and waiting for its task.
 */
public interface Starter {
    /** The name used by {@code setStartMethod}. */
    String name();

    /** A worker started with {@code command}, ready for a TASK frame (it may still be booting). */
    WorkerHandle acquire(WorkerCommand command) throws IOException;

    /**
     * Whether {@link #acquire} starts a new JVM every time. A caller can then acquire before it
     * has prepared the task, so the JVM boots while the task is being serialized.
     */
    default boolean startsFresh() {
        return false;
    }

    /** Releases what the starter keeps (a standby JVM); called when the method changes or at exit. */
    default void shutdown() {
    }
}
