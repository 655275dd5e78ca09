package org.kernellib.mp.pool;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.kernellib.mp.serial.ClassShipper;

/**
 * One call (map, apply, ...) as the pool keeps it: its function, its chunks, and how it ends.
 * {@code doneChunks} is guarded by the {@link JobBook}'s lock; the rest is final or thread-safe.
 */
final class Job {
    final JobBook book;
    final int id;
    final String label;
    final byte[] payload;
    final ClassShipper shipper;
    final ClassLoader resultLoader;
    final int total;
    final Chunk[] chunks;
    final CompletableFuture<Void> finished = new CompletableFuture<>();
    /** Completed chunks, or the exception that ended the call. */
    final LinkedBlockingQueue<Object> arrivals = new LinkedBlockingQueue<>();
    final AtomicInteger doneItems = new AtomicInteger();
    int doneChunks;
    /** Set once the call's chunks are made: a call that cannot be sent shows no progress bar. */
    volatile CallProgress progress = new CallProgress();

    Job(final JobBook book, final int id, final String label, final byte[] payload, final ClassShipper shipper,
            final ClassLoader resultLoader, final int total, final int chunkCount) {
        this.book = book;
        this.id = id;
        this.label = label;
        this.payload = payload;
        this.shipper = shipper;
        this.resultLoader = resultLoader;
        this.total = total;
        this.chunks = new Chunk[chunkCount];
    }

    JobBook book() {
        return book;
    }

    /** Waits until the call finished; rethrows its failure; an interrupt cancels the call. */
    void await() {
        await(true);
    }

    void await(final boolean rethrow) {
        try {
            try {
                finished.get();
            } finally {
                if (finished.isDone()) {
                    reportProgress();
                }
            }
        } catch (InterruptedException e) {
            book.cancelAfterInterrupt(this, e);
        } catch (ExecutionException e) {
            if (rethrow) {
                Throwable c = e.getCause();
                throw c instanceof RuntimeException ? (RuntimeException) c : new PoolException(String.valueOf(c), c);
            }
        }
    }

    <R> List<R> orderedResults() {
        await();
        List<Object> r = new ArrayList<>(total);
        for (Chunk c : chunks) {
            Collections.addAll(r, c.results);
        }
        @SuppressWarnings("unchecked")
        List<R> typed = (List<R>) r;
        return typed;
    }

    /** Tells the progress listener, if any, how far the call is. */
    void reportProgress() {
        progress.report(doneItems.get(), total, finished.isDone(), !finished.isCompletedExceptionally());
    }
}
