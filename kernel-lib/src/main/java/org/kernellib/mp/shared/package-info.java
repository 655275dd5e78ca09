/**
 * State shared between JVM processes through memory-mapped files, modelled on Python's
 * {@code multiprocessing} shared objects; {@link org.kernellib.mp.shared.SharedState} creates all of them.
 *
 * <ul>
 *   <li>Values and arrays of int, long, double (and byte arrays), with a lock
 *       ({@code IntValue}, {@code IntArray}, ...) or without ({@code RawIntValue}, {@code RawIntArray}, ...);
 *       int and long add atomic operations.</li>
 *   <li>{@code sync}: Lock, RLock, Semaphore, BoundedSemaphore on one base ({@code SemLock});
 *       Event, Condition, Barrier. All survive a dead participant: a dead owner's lock and a dead
 *       holder's permits go to the next acquirer, which {@code previousOwnerDied()} tells; a
 *       condition's signal skips dead waiters; a dead party breaks a barrier, naming it.</li>
 *   <li>{@code queue}: Queue, JoinableQueue, SimpleQueue on a shared ring of variable-length
 *       records (a {@code Pipe} is two of these rings; it lives with the other connections).</li>
 * </ul>
 *
 * <p>Every handle is {@link java.io.Serializable}: its serialized form is where its memory is, so
 * a handle passed to a worker process (as an argument or captured variable) maps the same memory
 * there. Each object lives in one file, mode 0600, in the creator's
 * {@link org.kernellib.mp.shared.memory.RuntimeDir} (0700, under /dev/shm); {@code unlink()} removes it
 * early, the creator's exit removes it anyway. Each layout is documented, with offsets, in its
 * {@code *Descriptor} class.
 *
 * <p>Waiting never burns a core: waiters spin briefly, yield, then park for a time that doubles
 * up to 1 ms; an interrupt ends a wait with {@link org.kernellib.mp.shared.WaitInterruptedException}.
 */
package org.kernellib.mp.shared;
