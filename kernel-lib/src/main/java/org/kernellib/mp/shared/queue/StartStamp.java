package org.kernellib.mp.shared.queue;

import org.kernellib.mp.shared.memory.ProcessIdentity;

/**
 * A process as the queue's records, reclaim flag and writer slots name it: its pid beside a start
 * stamp, the low 32 bits of its start time in epoch milliseconds. The pid alone would not do:
 * pids are reused (a busy machine goes through 32 768 in minutes), and a record whose owner's pid
 * now names another process must still count as a dead owner's.
 */
final class StartStamp {
    /** This process's stamp (never 0: 0 means "not written yet"). */
    static final int OWN = of(ProcessIdentity.START_MILLIS);
    /** This process's pid, as the int the records carry. */
    static final int OWN_PID = (int) ProcessIdentity.PID;

    private StartStamp() {
    }

    /** The low 32 bits of a start time in epoch milliseconds, 0 replaced by 1 (0 means unknown). */
    static int of(final long startMillis) {
        int stamp = (int) startMillis;
        return stamp == 0 ? 1 : stamp;
    }

    /**
     * True when process {@code pid} certainly no longer runs: gone, a zombie, or the pid now names
     * a process started at another time than {@code stamp} says (pid reuse). A stamp of 0 means
     * unknown: then only the pid's existence counts. This process's own pid is never dead.
     */
    static boolean isDead(final int pid, final int stamp) {
        if (pid == OWN_PID) {
            return false;
        }
        if (ProcessIdentity.isDead((long) pid << 32, 0)) {
            return true;
        }
        if (stamp == 0) {
            return false;
        }
        return ProcessHandle.of(pid)
                .map(h -> !h.isAlive() || of(h.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L)) != stamp)
                .orElse(true);
    }
}
