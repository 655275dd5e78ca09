package org.kernellib.mp.shared.queue;

import static org.kernellib.mp.shared.queue.QueueDescriptor.WRITER_OVERFLOW_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.WRITER_SLOTS;
import static org.kernellib.mp.shared.queue.QueueDescriptor.WRITER_SLOTS_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.WRITER_SLOT_LENGTH;
import static org.kernellib.mp.shared.queue.QueueDescriptor.WRITER_SLOT_START_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.WRITER_TICKETS_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.WRITER_TICKET_MILLIS_OFFSET;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.kernellib.mp.shared.memory.ProcessIdentity;
import org.kernellib.mp.shared.memory.SharedFile;

/**
 * Which processes hold an open handle that writes to a queue: what an OS counts for a pipe's
 * file descriptors, so that a receiving {@link org.kernellib.mp.connection.Connection} can raise
 * end-of-file once the sending end is closed everywhere and nothing is left.
 *
 * <p>Each process that holds at least one open writing handle owns one slot (pid and start stamp,
 * see {@link QueueDescriptor}); a process that dies is no longer counted, as an OS closes a dead
 * process's descriptors. A handle on its way to another process (serialized, not yet read there)
 * is counted by a ticket, so that the usual {@code childEnd.close()} right after {@code start()}
 * does not end the pipe before the child has its copy; a ticket nobody takes (a copy never read)
 * stops counting after {@link #TICKET_LIFETIME_MILLIS}.
 */
public final class QueueWriters {
    /** How long a handle may travel before the receiving end stops waiting for it. */
    public static final long TICKET_LIFETIME_MILLIS = 60_000;
    private static final int PID = (int) ProcessIdentity.PID;
    /** Open writing handles per queue file in this process; guarded by itself. */
    private static final Map<Path, int[]> OPEN = new HashMap<>();

    private QueueWriters() {
    }

    /** This process holds one more open handle that writes to {@code q}. */
    public static void opened(final Queue<?> q) {
        synchronized (OPEN) {
            int[] n = OPEN.computeIfAbsent(q.path(), p -> new int[2]);
            if (n[0]++ == 0) {
                n[1] = claimSlot(q.sharedFile());
            }
        }
    }

    /** One handle of this process that wrote to {@code q} was closed. */
    public static void closed(final Queue<?> q) {
        synchronized (OPEN) {
            int[] n = OPEN.get(q.path());
            if (n == null || n[0] == 0) {
                return;
            }
            if (--n[0] == 0) {
                OPEN.remove(q.path());
                freeSlot(q.sharedFile(), n[1]);
            }
        }
    }

    /** A handle that writes to {@code q} was serialized here, to be read in another process. */
    public static void sent(final Queue<?> q) {
        SharedFile f = q.sharedFile();
        f.setLongRelease(WRITER_TICKET_MILLIS_OFFSET, System.currentTimeMillis());
        f.getAndAddInt(WRITER_TICKETS_OFFSET, 1);
    }

    /** A handle that writes to {@code q} was read here; it no longer travels. */
    public static void received(final Queue<?> q) {
        SharedFile f = q.sharedFile();
        while (true) {
            int t = f.getIntVolatile(WRITER_TICKETS_OFFSET);
            if (t <= 0 || f.compareAndSetInt(WRITER_TICKETS_OFFSET, t, t - 1)) {
                return;
            }
        }
    }

    /**
     * True when some live process holds an open handle writing to {@code q}, or one is on its way
     * (slow: may read /proc; call it only while waiting).
     */
    public static boolean anyOpen(final Queue<?> q) {
        SharedFile f = q.sharedFile();
        if (f.getIntVolatile(WRITER_OVERFLOW_OFFSET) > 0) {
            return true;
        }
        if (f.getIntVolatile(WRITER_TICKETS_OFFSET) > 0
                && System.currentTimeMillis() - f.getLongVolatile(WRITER_TICKET_MILLIS_OFFSET) < TICKET_LIFETIME_MILLIS) {
            return true;
        }
        for (int i = 0; i < WRITER_SLOTS; i++) {
            int slot = WRITER_SLOTS_OFFSET + i * WRITER_SLOT_LENGTH;
            int pid = f.getIntVolatile(slot);
            if (pid != 0 && !StartStamp.isDead(pid, f.getIntVolatile(slot + WRITER_SLOT_START_OFFSET))) {
                return true;
            }
        }
        return false;
    }

    /** Takes a free slot (or one whose process died) for this process; -1 when all are taken. */
    private static int claimSlot(final SharedFile f) {
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < WRITER_SLOTS; i++) {
                int slot = WRITER_SLOTS_OFFSET + i * WRITER_SLOT_LENGTH;
                int pid = f.getIntVolatile(slot);
                if (pass == 1 && pid != 0 && StartStamp.isDead(pid, f.getIntVolatile(slot + WRITER_SLOT_START_OFFSET))) {
                    // A dead process's slot: zero its stamp first, as the identity protocol says.
                    f.setIntVolatile(slot + WRITER_SLOT_START_OFFSET, 0);
                    if (f.compareAndSetInt(slot, pid, 0)) {
                        pid = 0;
                    }
                }
                if (pid == 0 && f.compareAndSetInt(slot, 0, PID)) {
                    f.setIntRelease(slot + WRITER_SLOT_START_OFFSET, StartStamp.OWN);
                    return slot;
                }
            }
        }
        f.getAndAddInt(WRITER_OVERFLOW_OFFSET, 1);
        return -1;
    }

    private static void freeSlot(final SharedFile f, final int slot) {
        if (slot < 0) {
            f.getAndAddInt(WRITER_OVERFLOW_OFFSET, -1);
            return;
        }
        f.setIntVolatile(slot + WRITER_SLOT_START_OFFSET, 0);
        f.setIntRelease(slot, 0);
    }
}
