package org.kernellib.mp.manager;

/**
 * An operation failed in the manager with an exception that could not be copied back as itself
 * (Python's {@code RemoteError}); the message names its class and says what it said. Exceptions
 * that can be copied, such as {@link IndexOutOfBoundsException} from a list or
 * {@code EmptyException} from a queue, reach the caller as themselves.
 */
public final class ManagerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ManagerException(final String message) {
        super(message);
    }
}
