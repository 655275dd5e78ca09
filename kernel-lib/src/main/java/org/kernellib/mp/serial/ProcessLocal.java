package org.kernellib.mp.serial;

/**
 * The serialized stand-in of an object that belongs to the process that made it and means nothing
 * in another one (a pool, with its worker processes and threads). Sent as a message (a queue item,
 * a pipe message, a pool item or result) or captured by a task, it is refused with the same error
 * as a thread or a socket, as Python refuses to pickle a pool. A snapshot of notebook variables
 * writes the stand-in, because it copies every variable the task's code might read, used or not;
 * the stand-in decides what the variable holds in the worker (a pool that says it cannot be used
 * there: {@code PoolCopy}).
 */
public interface ProcessLocal {
    /** The name of the type this stands in for, for the error. */
    String typeName();
}
