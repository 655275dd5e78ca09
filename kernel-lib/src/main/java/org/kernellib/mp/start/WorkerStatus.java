package org.kernellib.mp.start;

/**
 * What a worker told its parent about how it is ending, read from its control frames.
 *
 * @param running the worker got its task (a worker that ends without it could not start)
 * @param done the task returned normally
 * @param failed the task threw
 * @param exiting the worker JVM began an orderly shutdown (System.exit, or a handled signal)
 * @param signal the catchable signal it received (SIGTERM, SIGINT, SIGHUP), 0 if none
 * @param signalSent the signal the parent itself sent (15 or 9), 0 if none
 */
public record WorkerStatus(boolean running, boolean done, boolean failed, boolean exiting, int signal, int signalSent) {
}
