package org.kernellib.mp.shared.queue;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.nio.file.Path;

import org.kernellib.mp.shared.SharedObject;

/**
 * The minimal queue of Python's {@code SimpleQueue}: put, get, empty, close. Unbounded (up to its
 * ring); same shared-memory ring as {@link Queue}.
 */
public final class SimpleQueue<E> implements SharedObject {
    private static final long serialVersionUID = 1L;
    /** Serialized by default: the queue travels as its path, like every shared handle. */
    private final Queue<E> queue;

    SimpleQueue(final Queue<E> queue) {
        this.queue = queue;
    }

    public static <E> SimpleQueue<E> create() {
        return new SimpleQueue<>(new Queue<>(QueueDescriptor.allocate(QueueDescriptor.KIND_SIMPLE, 0, QueueDescriptor.DEFAULT_CAPACITY),
                QueueDescriptor.KIND_SIMPLE));
    }

    public void put(final E item) {
        queue.put(item);
    }

    public E get() {
        return queue.get();
    }

    public boolean empty() {
        return queue.empty();
    }

    @Override
    public void close() {
        queue.close();
    }

    @Override
    public Path path() {
        return queue.path();
    }

    @Override
    public boolean isCreator() {
        return queue.isCreator();
    }

    @Override
    public void unlink() {
        queue.unlink();
    }

    @Override
    public String toString() {
        return queue.toString();
    }

    private void readObject(final ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (queue == null || queue.kind != QueueDescriptor.KIND_SIMPLE) {
            throw new InvalidObjectException("a SimpleQueue arrived without its queue: the stream is corrupt");
        }
    }
}
