package org.kernellib.mp.manager;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.kernellib.mp.shared.queue.EmptyException;
import org.kernellib.mp.shared.queue.FullException;

/**
 * The manager's side of a {@link QueueProxy}: Python's {@code queue.Queue} held by the manager, a
 * {@link LinkedBlockingQueue} bounded by {@code maxsize} (0 = unbounded). Each put and get is
 * atomic; waits are interrupted when the caller's connection closes.
 */
final class ServedQueue implements Served {
    private final LinkedBlockingQueue<Object> items;
    private final int maxsize;

    ServedQueue(final int maxsize) {
        if (maxsize < 0) {
            throw new IllegalArgumentException("maxsize must be >= 0 (0 = unbounded), got " + maxsize);
        }
        this.maxsize = maxsize;
        items = new LinkedBlockingQueue<>(maxsize == 0 ? Integer.MAX_VALUE : maxsize);
    }

    @Override
    public boolean blocks(final String operation) {
        return "put".equals(operation) || "get".equals(operation);
    }

    @Override
    public Object call(final String operation, final Object[] a) throws InterruptedException {
        switch (operation) {
            case "put": {
                long nanos = (Boolean) a[1] ? Served.nanos(a[2]) : 0;
                boolean done = nanos == Long.MAX_VALUE ? putForever(a[0]) : items.offer(a[0], nanos, TimeUnit.NANOSECONDS);
                if (!done) {
                    throw new FullException("the manager's queue is full (maxsize " + maxsize + ")");
                }
                return null;
            }
            case "get": {
                long nanos = (Boolean) a[0] ? Served.nanos(a[1]) : 0;
                Object item = nanos == Long.MAX_VALUE ? items.take() : items.poll(nanos, TimeUnit.NANOSECONDS);
                if (item == null) {
                    throw new EmptyException("the manager's queue is empty");
                }
                return item;
            }
            case "qsize": return items.size();
            default: throw Served.unknown("queue", operation);
        }
    }

    private boolean putForever(final Object item) throws InterruptedException {
        items.put(item);
        return true;
    }
}
