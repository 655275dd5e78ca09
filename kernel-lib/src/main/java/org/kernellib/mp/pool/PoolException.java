package org.kernellib.mp.pool;

/** Something went wrong in a {@link Pool} call; the subclasses say what. */
public class PoolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PoolException(final String message) {
        super(message);
    }

    public PoolException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
