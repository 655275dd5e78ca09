package org.kernellib.mp.process;

/**
 * {@code start()} failed: the task or a variable it uses cannot be copied to a worker, or the
 * worker JVM could not be started. The message says which and why.
 */
public final class ProcessStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProcessStartException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
