package org.kernellib.mp.pool;

/**
 * The thread waiting for a pool call was interrupted (in a notebook: "interrupt kernel"). The call
 * was cancelled before this was thrown: its pending chunks were dropped, and chunks already
 * running were given a short grace, after which their workers were killed and replaced. The
 * thread's interrupt flag is set again; the pool stays usable.
 */
public final class PoolInterruptedException extends PoolException {
    private static final long serialVersionUID = 1L;

    PoolInterruptedException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
