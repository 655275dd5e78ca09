package org.kernellib.mp.pool;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Python's result-handler thread: runs the callbacks and error callbacks of a pool's async calls
 * in this (the parent) process, one at a time, in the order the calls finish. Started with the
 * first call that has a callback; a callback that throws is reported on stderr and the handler
 * goes on, so one bad callback cannot silence the others. What a callback prints, and that report,
 * go where {@link CallbackOutput} routes them (in a notebook: the cell running then, else the
 * cell that submitted the call).
 */
final class ResultHandler {
    private final String poolName;
    private ExecutorService executor;
    private volatile Thread thread;
    /** Callbacks not yet run: a call may finish a moment before its callback is handed over. */
    private final Set<CompletableFuture<Void>> pending = ConcurrentHashMap.newKeySet();

    ResultHandler(final String poolName) {
        this.poolName = poolName;
    }

    /**
     * Arranges for {@code callback} (with the call's value) or {@code errorCallback} (with its
     * failure) to run once {@code job} finishes; either may be null. The returned future
     * completes when that has run, or when there was nothing to run.
     */
    <T> CompletableFuture<Void> attach(final Job job, final Supplier<T> value, final Consumer<? super T> callback,
            final Consumer<? super Throwable> errorCallback) {
        CompletableFuture<Void> handled = new CompletableFuture<>();
        Object origin = CallbackOutput.capture();
        pending.add(handled);
        handled.whenComplete((v, e) -> pending.remove(handled));
        ExecutorService ex = executor();
        job.finished.whenComplete((ignored, failure) -> {
            try {
                ex.execute(() -> {
                    try {
                        CallbackOutput.run(origin, () -> run(job, value, callback, errorCallback, failure));
                    } finally {
                        handled.complete(null);
                    }
                });
            } catch (RejectedExecutionException e) {
                handled.complete(null); // the pool was terminated before the call finished
            }
        });
        return handled;
    }

    private static <T> void run(final Job job, final Supplier<T> value, final Consumer<? super T> callback,
            final Consumer<? super Throwable> errorCallback, final Throwable failure) {
        String which = failure == null ? "callback" : "error callback";
        try {
            if (failure == null && callback != null) {
                callback.accept(value.get());
            } else if (failure != null && errorCallback != null) {
                errorCallback.accept(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            }
        } catch (RuntimeException | Error e) {
            System.err.println("kernel-lib: the " + which + " of pool call #" + job.id + " (" + job.label + ") threw " + e
                    + "; the other callbacks still run");
            e.printStackTrace();
        }
    }

    private synchronized ExecutorService executor() {
        if (executor == null) {
            executor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, poolName + "-result-handler");
                t.setDaemon(true);
                thread = t;
                return t;
            });
        }
        return executor;
    }

    /** Whether the calling thread is this handler's (a callback must not wait for the handler). */
    boolean isHandlerThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Lets the callbacks already due run, then ends the thread; waits for that unless called from
     * a callback itself or told not to.
     */
    void shutdown(final boolean wait) throws InterruptedException {
        if (wait && !isHandlerThread()) {
            try {
                CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0])).get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e); // never: they are only ever completed normally
            }
        }
        ExecutorService ex;
        synchronized (this) {
            ex = executor;
        }
        if (ex == null) {
            return;
        }
        ex.shutdown();
        if (wait && !isHandlerThread()) {
            ex.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        }
    }
}
