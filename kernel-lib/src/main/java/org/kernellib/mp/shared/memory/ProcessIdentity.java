package org.kernellib.mp.shared.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;

/**
 * Who owns something in shared memory, in a form that survives PID reuse.
 *
 * <p>An owner is a 64-bit token: the pid in the high 32 bits and the JVM thread id in the low 32
 * (thread ids are never reused within a JVM). The token alone does not survive PID reuse, so lock
 * layouts also record the owner's process start time (milliseconds since the epoch, as
 * {@link ProcessHandle.Info#startInstant()} reports it); {@link #isDead(long, long)} compares it.
 */
public final class ProcessIdentity {
    /** This process's pid. */
    public static final long PID = ProcessHandle.current().pid();
    /** This process's start time in epoch milliseconds (never 0, which means "unknown"). */
    public static final long START_MILLIS = startMillis(ProcessHandle.current());
    /**
     * This process in one word that one compare-and-set can claim: the pid in the high 32 bits and
     * the low 32 bits of {@link #START_MILLIS} in the low 32. Positive and never 0 (pids are below
     * 2^31 and above 0), so layouts can use 0 for "free" and the sign bit for their own marks.
     * Two processes share it only if they have the same pid and started a multiple of about 49.7
     * days apart.
     */
    public static final long PROCESS_TOKEN = processToken(PID, START_MILLIS);

    private ProcessIdentity() {
    }

    /** The owner token of the calling thread in this process. */
    @SuppressWarnings("deprecation") // Thread.getId(): threadId() exists only from Java 19.
    public static long currentToken() {
        return (PID << 32) | (Thread.currentThread().getId() & 0xFFFF_FFFFL);
    }

    /** The pid inside a token. */
    public static long pidOf(final long token) {
        return token >>> 32;
    }

    /** The thread id inside a token. */
    public static long threadOf(final long token) {
        return token & 0xFFFF_FFFFL;
    }

    static long processToken(final long pid, final long startMillis) {
        return (pid << 32) | (startMillis & 0xFFFF_FFFFL);
    }

    static long startMillis(final ProcessHandle handle) {
        long ms = handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        return ms == 0 ? 1 : ms;
    }

    /**
     * True when the process that owned {@code token} certainly no longer runs.
     *
     * <p>Slow (reads /proc); call it only while waiting, never on a fast path.
     *
     * @param startMillis the recorded start time of the owner, or 0 when not (yet) recorded, in
     *                    which case only the pid's existence is checked
     */
    public static boolean isDead(final long token, final long startMillis) {
        long pid = pidOf(token);
        if (pid == PID) {
            // Threads of this process: a dead thread cannot be told apart cheaply and safely
            // (virtual threads are not enumerable), so a live process counts as a live owner.
            return false;
        }
        if (isZombieOrGone(pid)) {
            return true;
        }
        if (startMillis == 0) {
            return false;
        }
        return ProcessHandle.of(pid)
                .map(h -> !h.isAlive() || startMillis(h) != startMillis)
                .orElse(true);
    }

    /**
     * True when the process named by a {@link #PROCESS_TOKEN} certainly no longer runs: its pid is
     * gone or a zombie, or now belongs to a process that started at another time (pid reuse).
     *
     * <p>Slow (reads /proc); call it only while waiting, never on a fast path.
     */
    public static boolean isProcessDead(final long processToken) {
        long pid = pidOf(processToken);
        if (pid == PID) {
            return processToken != PROCESS_TOKEN;
        }
        if (isZombieOrGone(pid)) {
            return true;
        }
        return ProcessHandle.of(pid)
                .map(h -> !h.isAlive() || processToken(pid, startMillis(h)) != processToken)
                .orElse(true);
    }

    /** A killed child that its parent has not reaped yet is a zombie: dead for our purposes. */
    private static boolean isZombieOrGone(final long pid) {
        Path stat = Paths.get("/proc", Long.toString(pid), "stat");
        if (!Files.isDirectory(Paths.get("/proc/self"))) {
            return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
        }
        try {
            String s = Files.readString(stat);
            // Format: "pid (comm) S ..."; comm may contain spaces and parentheses, so search from the end.
            int close = s.lastIndexOf(')');
            char state = close >= 0 && close + 2 < s.length() ? s.charAt(close + 2) : '?';
            return state == 'Z' || state == 'X';
        } catch (IOException e) {
            return true;
        }
    }
}
