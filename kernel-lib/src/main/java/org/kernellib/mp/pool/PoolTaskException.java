package org.kernellib.mp.pool;

import java.util.OptionalInt;

/**
 * A task (the function, applied to one item) threw in a worker. The cause is the exception the
 * task threw, copied back from the worker with its worker-side stack trace, or a
 * {@link RemoteException} holding that trace as text when the exception could not be copied; the
 * trace text is also available from {@link #remoteTrace()}. The pool stays usable.
 */
public final class PoolTaskException extends PoolException {
    private static final long serialVersionUID = 1L;

    private final String workerName;
    private final long workerPid;
    private final int itemIndex;
    private final String remoteTrace;

    PoolTaskException(final String message, final Throwable cause, final String workerName, final long workerPid,
            final int itemIndex, final String remoteTrace) {
        super(message, cause);
        this.workerName = workerName;
        this.workerPid = workerPid;
        this.itemIndex = itemIndex;
        this.remoteTrace = remoteTrace;
    }

    public String workerName() {
        return workerName;
    }

    public long workerPid() {
        return workerPid;
    }

    /** Position of the failing item in the call's input, when known. */
    public OptionalInt itemIndex() {
        return itemIndex < 0 ? OptionalInt.empty() : OptionalInt.of(itemIndex);
    }

    /** The worker-side stack trace, as printed there. */
    public String remoteTrace() {
        return remoteTrace;
    }
}
