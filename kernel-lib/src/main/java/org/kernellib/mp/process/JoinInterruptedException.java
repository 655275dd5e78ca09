package org.kernellib.mp.process;

/**
 * A {@code join()} was interrupted (in a notebook: the user pressed "interrupt kernel"). Before
 * this is thrown, the workers started from the interrupted thread were terminated (then killed
 * after a short grace) and the thread's interrupt flag was set again.
 */
public final class JoinInterruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JoinInterruptedException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
