package org.kernellib.mp.manager;

/**
 * A proxy could not reach its manager: the manager process ended (its owner ended, it was shut
 * down, or it was killed) or its socket is gone. Python raises {@code EOFError},
 * {@code BrokenPipeError} or {@code ConnectionRefusedError} depending on when it noticed; here
 * every case is this one error, raised as soon as the operating system reports the closed socket
 * (at once when the manager process dies), never a hang.
 */
public final class ManagerGoneException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    ManagerGoneException(final ManagerAddress address, final String doing, final Throwable cause) {
        super("the manager process is gone (" + address + "): cannot " + doing
                + ". A manager ends with the process that created it, on shutdown() or close(), or when it is killed;"
                + " the shared objects it held are lost. Create a new Manager and new shared objects.", cause);
    }
}
