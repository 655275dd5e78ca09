package org.kernellib.mp.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.kernellib.mp.start.Starters;

/**
 * The started children of this JVM. Holding them here keeps each worker's stdin pipe reachable
 * (if it were collected, the worker would see EOF and halt), lists them for
 * {@code activeChildren()}, stops those of an interrupted thread or cell, and terminates the rest
 * from a shutdown hook when this JVM exits (workers would also notice their stdin closing on their
 * own).
 */
public final class Children {
    private static final long GRACE_MS = 300;
    private static final Set<Process> STARTED = ConcurrentHashMap.newKeySet();
    private static volatile boolean hookInstalled;

    private Children() {
    }

    static void add(final Process p) {
        if (!hookInstalled) {
            synchronized (Children.class) {
                if (!hookInstalled) {
                    Runtime.getRuntime().addShutdownHook(new Thread(Children::atExit, "kernel-lib-children-exit"));
                    hookInstalled = true;
                }
            }
        }
        STARTED.add(p);
    }

    static void remove(final Process p) {
        STARTED.remove(p);
    }

    /** Started children still running; forgets the ones that ended. */
    public static List<Process> active() {
        List<Process> alive = new ArrayList<>();
        for (Process p : STARTED) {
            if (p.isAlive()) {
                alive.add(p);
            } else {
                p.reap();
            }
        }
        return alive;
    }

    /**
     * Called by a join whose thread was interrupted: terminates, then kills after a grace period,
     * every child started by the interrupted unit of work (the thread, or in a notebook the cell
     * execution: see {@link Executions}) and the joined one, restores the interrupt flag and
     * builds the exception to throw. Workers started by other threads or earlier cells go on.
     */
    static JoinInterruptedException onInterrupt(final Process joined, final InterruptedException cause) {
        Object unit = Executions.current();
        // The joined worker too, even if another unit started it: the user asked to stop waiting
        // for it, and leaving it running would orphan it from the user's point of view.
        List<Process> mine = startedBy(unit, joined);
        stop(mine);
        Thread.currentThread().interrupt();
        String names = mine.stream().map(p -> p.name() + " (pid " + p.pid() + ")").collect(Collectors.joining(", "));
        String by = unit instanceof Thread ? "thread " + ((Thread) unit).getName() : unit.toString();
        return new JoinInterruptedException("join() of " + joined.name() + " was interrupted; "
                + (mine.isEmpty() ? "no worker started by " + by + " was still running"
                        : "stopped the workers started by " + by + " or joined: " + names), cause);
    }

    /**
     * Stops every child that {@code unit} started and that still runs (see
     * {@link Executions#interrupted}); returns them.
     */
    static List<Process> stopStartedBy(final Object unit) {
        List<Process> theirs = startedBy(unit, null);
        stop(theirs);
        return theirs;
    }

    /** The running children started by {@code unit}, and {@code also} if it runs. */
    private static List<Process> startedBy(final Object unit, final Process also) {
        return STARTED.stream().filter(p -> (unit.equals(p.startedIn()) || p == also) && p.isAlive())
                .collect(Collectors.toList());
    }

    /** SIGTERM, up to GRACE_MS for them to go, then SIGKILL and up to GRACE_MS more. */
    private static void stop(final List<Process> ps) {
        ps.forEach(Process::terminate);
        waitGone(ps, GRACE_MS);
        ps.stream().filter(Process::isAlive).forEach(Process::kill);
        waitGone(ps, GRACE_MS);
    }

    private static void waitGone(final List<Process> ps, final long millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        for (Process p : ps) {
            long left = (end - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return;
            }
            p.waitQuietly(left);
        }
    }

    private static void atExit() {
        Starters.shutdownAll();
        stop(new ArrayList<>(STARTED).stream().filter(Process::isAlive).collect(Collectors.toList()));
    }
}
