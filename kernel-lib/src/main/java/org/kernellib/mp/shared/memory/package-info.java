/**
 * Shared memory itself: Python's {@code multiprocessing.shared_memory}, and the files under every
 * other shared object.
 *
 * <ul>
 *   <li>{@link org.kernellib.mp.shared.memory.SharedMemory} and
 *       {@link org.kernellib.mp.shared.memory.ShareableList}: named blocks in {@code /dev/shm} that
 *       Python attaches by the same name, a list with CPython's layout
 *       ({@link org.kernellib.mp.shared.memory.ShareableListLayout}), names checked by
 *       {@code ShmName}, and clean-up of what a JVM created by {@code CreatedBlocks}.</li>
 *   <li>{@link org.kernellib.mp.shared.memory.SharedFile}: one mapped file with atomic and ordered
 *       accesses, in this JVM's private {@link org.kernellib.mp.shared.memory.RuntimeDir}, checked
 *       by {@link org.kernellib.mp.shared.memory.PrivatePaths}; values, arrays, locks and queues
 *       live in these.</li>
 *   <li>{@link org.kernellib.mp.shared.memory.Backoff} and
 *       {@link org.kernellib.mp.shared.memory.ProcessIdentity}: how waiters wait, and how a
 *       process is told from a later one with the same pid.</li>
 * </ul>
 */
package org.kernellib.mp.shared.memory;
