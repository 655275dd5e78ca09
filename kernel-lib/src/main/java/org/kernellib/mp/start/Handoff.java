package org.kernellib.mp.start;

/**
 * A value handed from one thread to another, once: a worker's answer to a class request, from
 * the thread that reads stdin to the one that asked. A CompletableFuture would do, but its class
 * initialisation sets up the common ForkJoinPool, milliseconds a cold worker cannot spare.
 */
final class Handoff<T> {
    private T value;
    private boolean done;

    synchronized void complete(final T v) {
        value = v;
        done = true;
        notifyAll();
    }

    /** Waits for the value, uninterruptibly (the interrupt flag is kept). */
    synchronized T await() {
        boolean interrupted = false;
        while (!done) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return value;
    }
}
