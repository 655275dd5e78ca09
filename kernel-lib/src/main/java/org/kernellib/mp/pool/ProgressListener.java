package org.kernellib.mp.pool;

/**
 * Receives the progress of one pool call (a notebook progress bar, for instance). Created per call
 * by the {@link Factory} installed with {@link Pool#setProgressListenerFactory}. Updates come from
 * the pool's threads, at most a few per second plus a final one; implementations must return
 * quickly and must not call back into the pool.
 */
public interface ProgressListener {
    /** {@code done} of {@code total} items have completed. */
    void update(int done, int total);

    /** The call ended: all done ({@code ok}), failed or cancelled. Called once, last. */
    default void finished(final int done, final int total, final boolean ok) {
    }

    /** Makes the listener for one call; may return null for calls it does not want to follow. */
    @FunctionalInterface
    interface Factory {
        /**
         * @param poolName the pool's name
         * @param call the call's label, e.g. {@code "map"}
         * @param total number of items in the call
         */
        ProgressListener create(String poolName, String call, int total);
    }
}
