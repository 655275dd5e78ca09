package org.kernellib.mp.pool;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The pending result of {@link Pool#applyAsync} or {@link Pool#mapAsync}: Python's
 * {@code AsyncResult}. {@code get()} rethrows a task's failure as a {@link PoolTaskException} (or
 * {@link WorkerDiedException}); an interrupted {@code get()} cancels the call, as an interrupted
 * {@code map} does, and throws {@link PoolInterruptedException}. When the call was given a
 * callback, the result is ready only once the callback has run, as in Python.
 */
public final class AsyncResult<T> {
    private final Job job;
    private final Supplier<T> value;
    /** Completes once the call's callback or error callback has run; null without callbacks. */
    private final CompletableFuture<Void> handled;
    private final ResultHandler handler;

    AsyncResult(final Job job, final Supplier<T> value) {
        this.job = job;
        this.value = value;
        this.handled = null;
        this.handler = null;
    }

    /** A result whose callback or error callback {@code handler} runs when the call finishes. */
    AsyncResult(final Job job, final Supplier<T> value, final ResultHandler handler,
            final Consumer<? super T> callback,
            final Consumer<? super Throwable> errorCallback) {
        this.job = job;
        this.value = value;
        this.handler = handler;
        this.handled = handler.attach(job, value, callback, errorCallback);
    }

    Job job() {
        return job;
    }

    /** Waits for the result. */
    public T get() {
        job.await(false);
        awaitHandled();
        job.await();
        return value.get();
    }

    /** Waits for the callback, unless called from the result handler itself (a callback calling get()). */
    private void awaitHandled() {
        if (handled == null || handler.isHandlerThread()) {
            return;
        }
        try {
            handled.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PoolInterruptedException("interrupted while the callback of pool call #" + job.id + " ("
                    + job.label + ") ran", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // never: it is only ever completed normally
        }
    }

    /** Waits at most {@code timeout}; the call goes on running after a timeout. */
    public T get(final Duration timeout) throws TimeoutException {
        if (!waitFor(timeout)) {
            throw new TimeoutException("pool call #" + job.id + " (" + job.label + ") not finished after " + timeout);
        }
        return get();
    }

    /** Waits until the call has finished, whatever the outcome. */
    public void waitFor() {
        job.await(false);
        awaitHandled();
    }

    /** Waits at most {@code timeout}; returns whether the call has finished. */
    public boolean waitFor(final Duration timeout) {
        CompletableFuture<Void> f = handled == null ? job.finished : CompletableFuture.allOf(job.finished, handled);
        try {
            f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            job.book().cancelAfterInterrupt(job, e);
        } catch (ExecutionException | CancellationException e) {
            // finished with a failure
        }
        return true;
    }

    /** Whether the call has finished. */
    public boolean ready() {
        return job.finished.isDone() && (handled == null || handled.isDone());
    }

    /**
     * Whether the call finished without an exception.
     *
     * @throws IllegalStateException if it has not finished yet (Python raises ValueError)
     */
    public boolean successful() {
        if (!ready()) {
            throw new IllegalStateException("pool call #" + job.id + " (" + job.label + ") is not ready");
        }
        return !job.finished.isCompletedExceptionally();
    }

    /** Cancels the call: pending chunks are dropped, running ones are let finish. */
    public void cancel() {
        job.book().cancel(job, new PoolException("pool call #" + job.id + " (" + job.label + ") was cancelled"), false);
    }

    @Override
    public String toString() {
        return "<AsyncResult #" + job.id + " " + job.label + (ready() ? successful() ? " ok" : " failed" : " pending") + ">";
    }
}
