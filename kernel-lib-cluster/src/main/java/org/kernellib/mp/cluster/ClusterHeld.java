package org.kernellib.mp.cluster;

/** A cluster lock or semaphore permit taken for try-with-resources: {@code try (var held = lock.hold()) { ... }}. */
public final class ClusterHeld implements AutoCloseable {
    private final Runnable release;
    private boolean released;

    ClusterHeld(final Runnable release) {
        this.release = release;
    }

    /** Releases (once; a second close does nothing). */
    @Override
    public void close() {
        if (!released) {
            released = true;
            release.run();
        }
    }
}
