package org.kernellib.mp.connection;

/**
 * The layout of one frame on the control socket between a parent JVM and one of its workers.
 *
 * <pre>
 *  byte 0          4        5               9
 *       +----------+--------+---------------+-------------------------------+
 *       |  length  |  type  |  request id   |  payload (length bytes)       |
 *       +----------+--------+---------------+-------------------------------+
 *         int32 BE   int8     int32 BE        meaning depends on type
 * </pre>
 *
 * <p>The length counts only the payload, so a reader first reads the fixed {@value #HEADER_BYTES}
 * byte header and then exactly {@code length} more bytes. The request id pairs a
 * {@link #CLASS_REQUEST} with its {@link #CLASS_BYTES} answer: a worker may load classes from
 * several threads at once, so answers can arrive in any order. Other frames use id 0.
 *
 * <p>Frame types, with the direction they travel and their payload:
 * <ul>
 * <li>{@link #HELLO} worker to parent: {@code UTF token, long pid}. First frame of every
 *     connection; the token was handed to the worker on its stdin, so only a JVM started by this
 *     parent can present it.</li>
 * <li>{@link #TASK} parent to worker: an encoded {@code TaskPayload}.</li>
 * <li>{@link #CLASS_REQUEST} worker to parent: {@code UTF binary class name}.</li>
 * <li>{@link #CLASS_BYTES} parent to worker: the class file, or an empty payload for "unknown".</li>
 * <li>{@link #DONE} worker to parent: the task returned normally; empty.</li>
 * <li>{@link #FAILED} worker to parent: the task threw; {@code UTF exception summary}.</li>
 * <li>{@link #SIGNALED} worker to parent: a catchable signal arrived; {@code int signal number}.</li>
 * <li>{@link #EXITING} worker to parent: the worker JVM began to shut down; empty.</li>
 * </ul>
 */
public final class FrameDescriptor {
    /** Bytes before the payload: length, type and request id. */
    public static final int HEADER_BYTES = 9;
    /** Largest payload accepted; a bigger length means a corrupt or hostile stream. */
    public static final int MAX_PAYLOAD = 1 << 30;

    public static final byte HELLO = 1;
    public static final byte TASK = 2;
    public static final byte CLASS_REQUEST = 3;
    public static final byte CLASS_BYTES = 4;
    public static final byte DONE = 5;
    public static final byte FAILED = 6;
    public static final byte SIGNALED = 7;
    public static final byte EXITING = 8;

    private FrameDescriptor() {
    }

    /** A readable name for a frame type, for error messages. */
    public static String typeName(final byte type) {
        switch (type) {
            case HELLO: return "HELLO";
            case TASK: return "TASK";
            case CLASS_REQUEST: return "CLASS_REQUEST";
            case CLASS_BYTES: return "CLASS_BYTES";
            case DONE: return "DONE";
            case FAILED: return "FAILED";
            case SIGNALED: return "SIGNALED";
            case EXITING: return "EXITING";
            default: return "UNKNOWN(" + type + ")";
        }
    }
}
