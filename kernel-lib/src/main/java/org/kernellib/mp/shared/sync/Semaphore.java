package org.kernellib.mp.shared.sync;

import org.kernellib.mp.shared.memory.SharedFile;

/**
 * A counting semaphore shared by threads and processes, like Python's
 * {@code multiprocessing.Semaphore}. Any thread may release; permits are not owned, so a permit
 * held by a process that dies is not given back (as with POSIX semaphores).
 */
public class Semaphore extends SemLock {
    private static final long serialVersionUID = 1L;

    Semaphore(final SharedFile file, final int kind) {
        super(file, kind);
    }

    /** Creates a semaphore with {@code value} permits (0 or more). */
    public static Semaphore create(final int value) {
        checkValue(value);
        return new Semaphore(create(SemLockDescriptor.KIND_SEMAPHORE, value, Integer.MAX_VALUE),
                SemLockDescriptor.KIND_SEMAPHORE);
    }

    static void checkValue(final int value) {
        if (value < 0) {
            throw new IllegalArgumentException("semaphore initial value must be >= 0, got " + value);
        }
    }

    /** The number of available permits now (Python's {@code get_value()}). */
    public int getValue() {
        return file.getIntVolatile(SemLockDescriptor.COUNT_OFFSET);
    }
}
