package org.kernellib.mp.shared;

/**
 * A blocking call on a shared object (lock, queue, event...) gave up because its thread was
 * interrupted, e.g. by the notebook's interrupt button. The thread's interrupt flag stays set.
 *
 * <p>It is unchecked so that notebook code reads like Python's, where the same situation raises
 * {@code KeyboardInterrupt}.
 */
public class WaitInterruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WaitInterruptedException(final String what) {
        super("interrupted while waiting for " + what);
    }
}
