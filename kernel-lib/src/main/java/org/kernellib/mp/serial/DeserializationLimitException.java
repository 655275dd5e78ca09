package org.kernellib.mp.serial;

import java.io.InvalidObjectException;

/**
 * A message written by another process broke one of the {@link DeserializationLimits} and was not
 * read; the message says which limit and which system property raises it.
 */
public final class DeserializationLimitException extends InvalidObjectException {
    private static final long serialVersionUID = 1L;

    DeserializationLimitException(final String message, final Throwable cause) {
        super(message);
        initCause(cause);
    }
}
