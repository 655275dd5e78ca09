package org.kernellib.mp.connection;

/**
 * The layout of one frame between a parent JVM and one of its workers, on the worker's own pipes
 * (parent to worker on its stdin, worker to parent marked inside its stderr, see {@link Sideband}),
 * and between a manager and its callers on a Unix-domain socket ({@link FrameChannel}).
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
 * <p>On a worker's pipes, types below {@link #FIRST_TASK_TYPE} are the worker's lifecycle, which
 * the launcher handles ({@code start.WorkerHandle} and {@code start.ParentPipes}); types from it on
 * belong to the task's own protocol (a pool worker's work: {@code pool.PoolProtocol}) and are
 * handed to the task. Lifecycle frame types, with the direction they travel and their payload:
 * <ul>
 * <li>{@link #SETUP} parent to worker, first frame on its stdin: {@code int n, n bytes of
 *     sideband marker, UTF class path} (the entries beyond kernel-lib, joined with the path
 *     separator; the worker opens those jars while it waits for its task).</li>
 * <li>{@link #READY} worker to parent: a standby has warmed up and waits for its task; empty.</li>
 * <li>{@link #RUNNING} worker to parent: it has its task and starts on it; empty. A worker that
 *     ends without having said it could not start (its JVM failed to boot, for example).</li>
 * <li>{@link #TASK} parent to worker: an encoded {@code TaskPayload}.</li>
 * <li>{@link #CLASS_REQUEST} worker to parent: {@code UTF binary class name}.</li>
 * <li>{@link #CLASS_BYTES} parent to worker: the class file, or an empty payload for "unknown".</li>
 * <li>{@link #DONE} worker to parent: the task returned normally; empty.</li>
 * <li>{@link #FAILED} worker to parent: the task threw; {@code UTF exception summary}.</li>
 * <li>{@link #SIGNALED} worker to parent: a catchable signal arrived; {@code int signal number}.</li>
 * <li>{@link #EXITING} worker to parent: the worker JVM began to shut down; empty.</li>
 * <li>{@link #PART} worker to parent: a piece of a frame too large for one atomic write into
 *     stderr (see {@link Sideband#encodeAll}); the pieces of one frame come in order, text may come
 *     between them.</li>
 * </ul>
 */
public final class FrameDescriptor {
    /** Bytes before the payload: length, type and request id. */
    public static final int HEADER_BYTES = 9;
    /** Largest payload accepted; a bigger length means a corrupt or hostile stream. */
    public static final int MAX_PAYLOAD = 1 << 30;

    public static final byte TASK = 2;
    public static final byte CLASS_REQUEST = 3;
    public static final byte CLASS_BYTES = 4;
    public static final byte DONE = 5;
    public static final byte FAILED = 6;
    public static final byte SIGNALED = 7;
    public static final byte EXITING = 8;
    public static final byte SETUP = 9;
    public static final byte READY = 10;
    public static final byte RUNNING = 11;
    public static final byte PART = 12;
    /** The first frame type of a task's own protocol; the launcher passes these on unread. */
    public static final byte FIRST_TASK_TYPE = 40;

    private FrameDescriptor() {
    }

    /** A readable name for a frame type, for error messages. */
    public static String typeName(final byte type) {
        switch (type) {
            case TASK: return "TASK";
            case CLASS_REQUEST: return "CLASS_REQUEST";
            case CLASS_BYTES: return "CLASS_BYTES";
            case DONE: return "DONE";
            case FAILED: return "FAILED";
            case SIGNALED: return "SIGNALED";
            case EXITING: return "EXITING";
            case SETUP: return "SETUP";
            case READY: return "READY";
            case RUNNING: return "RUNNING";
            case PART: return "PART";
            default: return "UNKNOWN(" + type + ")";
        }
    }
}
