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

    /**
     * Keeps {@code n} JVMs for {@code command} started ahead of time, if this start method keeps
     * any (prestart keeps at least one); the others ignore it. A pool of n workers asks for n.
     */
    default void keep(final WorkerCommand command, final int n) {
    }

    /**
     * Waits until no JVM asked for by {@link #keep} is still being started (for benchmarks and
     * tests); false after the timeout.
     */
    default boolean awaitKept(final long millis) throws InterruptedException {
        return true;
    }

    /** Releases what the starter keeps (a standby JVM); called when the method changes or at exit. */
    default void shutdown() {
    }
}
