package org.kernellib.mp.pool;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The progress display of one call: tells its {@link ProgressListener} the done/total counts at
 * most every 250 ms, and once, exactly, at the end. A listener that throws is dropped: a broken
 * display must not break the call.
 */
final class CallProgress {
    private static final long INTERVAL_NANOS = 250_000_000L;

    private volatile ProgressListener listener;
    private final AtomicLong last = new AtomicLong();
    private final AtomicBoolean ended = new AtomicBoolean();

    /** A listener from the installed factory for a call of {@code total} items, or none. */
    static CallProgress create(final String poolName, final String label, final int total) {
        CallProgress p = new CallProgress();
        ProgressListener.Factory f = Pool.progressListenerFactory();
        if (f != null && !"apply".equals(label) && total > 0) {
            try {
                p.listener = f.create(poolName, label, total);
            } catch (RuntimeException e) {
                p.listener = null;
            }
        }
        return p;
    }

    /** Reports {@code done} of {@code total}; {@code finished}: the call ended, {@code ok}: without failure. */
    void report(final int done, final int total, final boolean finished, final boolean ok) {
        ProgressListener l = listener;
        if (l == null) {
            return;
        }
        try {
            if (finished) {
                // Whoever comes first reports the end; the waiting caller returns only after it.
                synchronized (ended) {
                    if (ended.compareAndSet(false, true)) {
                        l.update(done, total);
                        l.finished(done, total, ok);
                    }
                }
                return;
            }
            long now = System.nanoTime();
            long before = last.get();
            if (!ended.get() && now - before >= INTERVAL_NANOS && last.compareAndSet(before, now)) {
                l.update(done, total);
            }
        } catch (RuntimeException e) {
            listener = null;
        }
    }
}
