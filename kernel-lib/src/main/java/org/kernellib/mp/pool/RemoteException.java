package org.kernellib.mp.pool;

/**
 * The stack trace of an exception thrown in a worker JVM, as text (Python's
 * {@code RemoteTraceback}). It is the cause of a {@link PoolTaskException} when the original
 * exception could not be copied back into this JVM, and a suppressed exception of it otherwise,
 * so {@code printStackTrace()} always shows where in the worker the task failed.
 */
public final class RemoteException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String remoteClassName;
    private final String remoteTrace;

    public RemoteException(final String workerName, final long pid, final String remoteClassName,
            final String remoteTrace) {
        super("in worker " + workerName + " (pid " + pid + "):\n" + remoteTrace.stripTrailing(), null, false, false);
        this.remoteClassName = remoteClassName;
        this.remoteTrace = remoteTrace;
    }

    /** The class name of the exception the task threw in the worker. */
    public String remoteClassName() {
        return remoteClassName;
    }

    /** What {@code printStackTrace()} printed for it in the worker. */
    public String remoteTrace() {
        return remoteTrace;
    }

    @Override
    public String toString() {
        return "RemoteException " + getMessage();
    }
}
