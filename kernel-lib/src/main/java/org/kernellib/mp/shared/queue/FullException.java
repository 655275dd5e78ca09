package org.kernellib.mp.shared.queue;

/** A put found the queue full (non-blocking) or stayed full until its timeout: Python's {@code queue.Full}. */
public class FullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FullException(final String message) {
        super(message);
    }
}
