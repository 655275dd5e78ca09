package org.kernellib.mp.pool;

/**
 * A worker JVM ended (killed, {@code System.exit}, out of memory, crashed) while it held tasks of
 * this call. The message names the worker, its pid and how it ended; the pool has already started
 * a replacement and stays usable.
 */
public final class WorkerDiedException extends PoolException {
    private static final long serialVersionUID = 1L;

    private final String workerName;
    private final long workerPid;
    private final int exitCode;

    WorkerDiedException(final String message, final String workerName, final long workerPid, final int exitCode) {
        super(message);
        this.workerName = workerName;
        this.workerPid = workerPid;
        this.exitCode = exitCode;
    }

    public String workerName() {
        return workerName;
    }

    public long workerPid() {
        return workerPid;
    }

    /** Python-style exit code: n for {@code System.exit(n)}, -N for death by signal N. */
    public int exitCode() {
        return exitCode;
    }
}
