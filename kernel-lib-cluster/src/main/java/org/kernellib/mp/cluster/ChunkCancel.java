package org.kernellib.mp.cluster;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.ignite.lang.IgniteRunnable;

/**
 * Stops a chunk of a cancelled pool call on whichever node runs it: the kernel broadcasts this to
 * the servers, and the node interrupts the thread that runs that chunk, or skips the chunk if it
 * has not begun (a chunk is a message, {@link ChunkTransport}, which once sent cannot be called
 * back).
 */
final class ChunkCancel implements IgniteRunnable {
    private static final long serialVersionUID = 1L;
    /** Cancelled chunks remembered per node, for one that arrives after its cancel. */
    private static final int REMEMBERED = 1024;
    /** Guarded by itself: the chunks running on this node, by id, and the threads running them. */
    private static final Map<String, Thread> RUNNING = new HashMap<>();
    private static final Map<String, Boolean> CANCELLED = new LinkedHashMap<>(64, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(final Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };

    private final String chunk;

    ChunkCancel(final String chunk) {
        this.chunk = chunk;
    }

    @Override
    public void run() {
        synchronized (RUNNING) {
            CANCELLED.put(chunk, Boolean.TRUE);
            Thread t = RUNNING.get(chunk);
            if (t != null) {
                t.interrupt();
            }
        }
    }

    /** The calling thread runs chunk {@code id} from now on; false if it was cancelled already. */
    static boolean begin(final String id) {
        synchronized (RUNNING) {
            if (CANCELLED.containsKey(id)) {
                return false;
            }
            RUNNING.put(id, Thread.currentThread());
            return true;
        }
    }

    /**
     * The calling thread is done with chunk {@code id}. An interrupt meant for the chunk is
     * cleared, so that it does not reach the next job Ignite runs on this thread.
     */
    static void end(final String id) {
        synchronized (RUNNING) {
            RUNNING.remove(id);
            Thread.interrupted();
        }
    }
}
