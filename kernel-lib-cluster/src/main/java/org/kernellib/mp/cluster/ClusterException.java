package org.kernellib.mp.cluster;

/** A cluster could not be started, joined or used; the message says what to do. */
public class ClusterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClusterException(final String message) {
        super(message);
    }

    public ClusterException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
