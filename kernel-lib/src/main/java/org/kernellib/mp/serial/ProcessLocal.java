package org.kernellib.mp.serial;

/**
 * The serialized stand-in of an object that belongs to the process that made it and means nothing
 * in another one (a pool, with its worker processes and threads). A snapshot of notebook variables
 * writes the stand-in (the variable arrives as null, so a function that merely sits next to a pool
 * in a cell can still be sent); sent as a message (a queue item, a pipe message, a pool item or
 * result) it is refused with the same error as a thread or a socket, as Python refuses to pickle
 * a pool.
 */
public interface ProcessLocal {
    /** The name of the type this stands in for, for the error. */
    String typeName();
}
