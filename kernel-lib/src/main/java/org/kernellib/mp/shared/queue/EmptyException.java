package org.kernellib.mp.shared.queue;

/** A get found the queue empty (non-blocking) or stayed empty until its timeout: Python's {@code queue.Empty}. */
public class EmptyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EmptyException(final String message) {
        super(message);
    }
}
