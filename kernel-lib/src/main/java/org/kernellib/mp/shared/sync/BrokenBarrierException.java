package org.kernellib.mp.shared.sync;

/** The barrier was aborted or a party timed out: Python's {@code BrokenBarrierError}. */
public class BrokenBarrierException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BrokenBarrierException(final String message) {
        super(message);
    }
}
