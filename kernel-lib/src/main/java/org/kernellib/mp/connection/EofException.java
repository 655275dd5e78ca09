package org.kernellib.mp.connection;

/**
 * Python's {@code EOFError} on a pipe: nothing is left to receive and the sending end is closed
 * in every process that had it (or those processes ended), so nothing ever will be.
 */
public final class EofException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EofException(final String message) {
        super(message);
    }
}
