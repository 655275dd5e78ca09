package org.kernellib.mp.connection;

/**
 * {@link Connection#recvBytesInto(byte[], int)} was given a buffer too small for the message,
 * like Python's {@code BufferTooShort}; the message was received and is here, whole.
 */
public final class BufferTooShortException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient byte[] message;

    BufferTooShortException(final byte[] message, final int room) {
        super("the message has " + message.length + " bytes but the buffer has room for " + room
                + " from the offset given; message() holds the whole message");
        this.message = message;
    }

    /** The message that did not fit. */
    public byte[] message() {
        return message;
    }
}
