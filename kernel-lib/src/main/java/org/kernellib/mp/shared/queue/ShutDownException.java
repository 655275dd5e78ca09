package org.kernellib.mp.shared.queue;

/**
 * A put or get on a queue that was shut down: Python 3.13's {@code queue.ShutDown}. A put raises
 * it once the queue is shut down; a get once the queue is also empty, or at once after
 * {@code shutdown(true)}.
 */
public class ShutDownException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ShutDownException(final String message) {
        super(message);
    }
}
