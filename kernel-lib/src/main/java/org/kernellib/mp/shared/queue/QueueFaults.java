package org.kernellib.mp.shared.queue;

import java.util.concurrent.TimeUnit;

/**
 * Fault points for tests: a child JVM started with
 * {@code -Dorg.kernellib.mp.queue.pause=beforeCommit} (or another point below) prints a line
 * naming the point and then sleeps there, so that a test can kill it at exactly that moment or
 * act on the queue from another thread meanwhile. {@code org.kernellib.mp.queue.pauseMillis}
 * bounds the sleep (default: a minute); {@code org.kernellib.mp.queue.pauseThread} limits the
 * pause to threads whose name starts with it.
 *
 * <p>The flags are static finals read once, so the JIT removes the checks from the hot paths of a
 * normal JVM.
 */
final class QueueFaults {
    private static final String POINT = System.getProperty("org.kernellib.mp.queue.pause", "");
    /** Pause in a put after the payload is written and before the record is committed. */
    static final boolean PAUSE_BEFORE_COMMIT = POINT.equals("beforeCommit");
    /** Pause in a get after the record is taken and before it is read. */
    static final boolean PAUSE_AFTER_CLAIM = POINT.equals("afterClaim");
    /** Pause in the reclaim walk after stepping over a consumed record. */
    static final boolean PAUSE_MID_RECLAIM = POINT.equals("midReclaim");
    /** Pause in a put right after winning the tail, before the padding or the pid is written. */
    static final boolean PAUSE_AFTER_TAIL_CAS = POINT.equals("afterTailCas");
    /** Pause in a put that wraps, after publishing the padding and before the record's pid. */
    static final boolean PAUSE_AFTER_PADDING = POINT.equals("afterPadding");
    /** Pause in a get right after winning the claim position (a record's or padding's), before signing. */
    static final boolean PAUSE_AFTER_CLAIM_CAS = POINT.equals("afterClaimCas");
    /** Pause while a record is given back: its body zeroed (signature gone), its state not yet. */
    static final boolean PAUSE_MID_RELEASE = POINT.equals("midRelease");
    /** Pause in a put of an unbounded queue after counting its item, before its record names it. */
    static final boolean PAUSE_AFTER_COUNT = POINT.equals("afterCount");
    /** Pause in a get of an unbounded queue after uncounting its item, before giving its record back. */
    static final boolean PAUSE_AFTER_UNCOUNT = POINT.equals("afterUncount");
    /** Pause in a recovery after uncounting a dead producer's item, before publishing its record as padding. */
    static final boolean PAUSE_BEFORE_PADDING = POINT.equals("beforePadding");
    private static final long PAUSE_MILLIS = Long.getLong("org.kernellib.mp.queue.pauseMillis", 60_000);
    private static final String PAUSE_THREAD = System.getProperty("org.kernellib.mp.queue.pauseThread", "");

    private QueueFaults() {
    }

    /** Prints {@code name} as a line of its own, then sleeps (only in the threads pauseThread names). */
    static void pause(final String name) {
        if (!Thread.currentThread().getName().startsWith(PAUSE_THREAD)) {
            return;
        }
        System.out.println(name);
        System.out.flush();
        try {
            TimeUnit.MILLISECONDS.sleep(PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
