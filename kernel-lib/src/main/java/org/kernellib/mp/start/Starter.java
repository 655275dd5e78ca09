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

    /** A connected worker started with {@code command}, ready for a TASK frame. */
    WorkerHandle acquire(WorkerCommand command) throws IOException;

    /** Releases what the starter keeps (a standby JVM); called when the method changes or at exit. */
    default void shutdown() {
    }
}
