package org.kernellib.mp.shared.sync;

/**
 * The barrier was aborted, a party timed out, or a party process died: Python's
 * {@code BrokenBarrierError}.
 */
public class BrokenBarrierException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long deadPid;

    public BrokenBarrierException(final String message) {
        this(message, 0);
    }

    BrokenBarrierException(final String message, final long deadPid) {
        super(message);
        this.deadPid = deadPid;
    }

    /** The pid of the party process whose death broke the barrier, or 0 when it was aborted or timed out. */
    public long deadPid() {
        return deadPid;
    }
}
