package org.kernellib.mp.pool;

/**
 * Some consecutive items of one call: what a worker is handed at a time, and one "task" for
 * {@code maxTasksPerChild}, as in Python. Mutable fields are guarded by the {@link JobBook}'s lock.
 */
final class Chunk {
    final Job job;
    final int index;
    final int first;
    final int count;
    /** The encoded items, until the results are in. */
    byte[] bytes;
    Object[] results;
    /** When it was sent to a worker ({@link System#nanoTime()}), 0 while it waits. */
    long sentAt;

    Chunk(final Job job, final int index, final int first, final int count, final byte[] bytes) {
        this.job = job;
        this.index = index;
        this.first = first;
        this.count = count;
        this.bytes = bytes;
    }
}
