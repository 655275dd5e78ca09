package org.kernellib.mp.pool;

import java.io.Serializable;

import org.kernellib.mp.process.CurrentProcess;
import org.kernellib.mp.process.ProcessInfo;
import org.kernellib.mp.serial.ProcessLocal;

/**
 * What a {@link Pool} becomes in another process, and why.
 *
 * <p>A pool's workers, threads and sockets belong to the process that made it, so a copy
 * elsewhere can run nothing; Python refuses to pickle a pool at all. Sent as a message (a queue
 * item, a pipe message, a pool argument) or captured by a task, a pool is refused at once, with
 * the error a thread or a socket gets ({@link ProcessLocal}). A snapshot of notebook variables,
 * though, copies every variable that the task's code <em>might</em> read (all of a method that
 * both calls {@code pool.map} and defines the function, say): refusing there would refuse tasks
 * that never touch the pool, and sending null would make the task that does fail with a bare
 * {@link NullPointerException}. So in a snapshot the pool travels as this record, which arrives
 * as a pool whose every use throws {@link #unusable()}: an error at the line that really uses
 * the pool, saying what to do, and none for a task that does not.
 *
 * @param owner the process that runs the pool
 */
record PoolCopy(String name, int processes, String owner) implements Serializable, ProcessLocal {
    private static final long serialVersionUID = 1L;

    static PoolCopy of(final Pool pool) {
        ProcessInfo me = CurrentProcess.get();
        return new PoolCopy(pool.name(), pool.processes(), describe(me));
    }

    @Override
    public String typeName() {
        return Pool.class.getName();
    }

    /** The error every use of the copy throws, made at the use so that its trace points there. */
    IllegalStateException unusable() {
        return new IllegalStateException(name + " cannot be used in " + describe(CurrentProcess.get())
                + ": it is a copy of a pool that runs in " + owner + ", made because code of this task reads"
                + " the variable that holds it. A pool's workers belong to the process that started them, so the"
                + " copy can run nothing (Python refuses to send a pool to another process). Create a new Pool"
                + " inside the task, or have the task return its data and use the pool in " + owner + ".");
    }

    private static String describe(final ProcessInfo p) {
        return p.name() + " (pid " + p.pid() + ")";
    }

    /** In the other process: the pool that says it cannot be used there. */
    private Object readResolve() {
        return new Pool(this);
    }
}
