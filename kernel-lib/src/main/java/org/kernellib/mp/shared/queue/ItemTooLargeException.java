package org.kernellib.mp.shared.queue;

/**
 * A queue element larger than the queue's ring can carry (at most half the ring). A
 * {@link org.kernellib.mp.connection.Connection} catches it and sends the element in chunks.
 */
public final class ItemTooLargeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    ItemTooLargeException(final String message) {
        super(message);
    }
}
