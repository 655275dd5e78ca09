package org.kernellib.mp.process;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who this JVM is: {@code MainProcess} unless it is a worker, in which case the worker's main sets
 * its name and its parent at start-up. Also numbers the children created here: {@code Process-1},
 * {@code Process-2}, ... in the main process and {@code Process-1:1}, ... inside {@code Process-1},
 * as Python does.
 */
public final class CurrentProcess {
    private static final AtomicInteger CHILDREN = new AtomicInteger();
    // Filled lazily: a worker sets it before anyone asks, and must not pay for ProcessHandle's
    // initialisation on its start-up path.
    private static volatile ProcessInfo self;
    private static volatile ProcessInfo parent;

    private CurrentProcess() {
    }

    public static ProcessInfo get() {
        ProcessInfo me = self;
        if (me == null) {
            synchronized (CurrentProcess.class) {
                if (self == null) {
                    self = new ProcessInfo("MainProcess", ProcessHandle.current().pid(), false);
                }
                me = self;
            }
        }
        return me;
    }

    /** The parent, or empty in the main process (the kernel). */
    public static Optional<ProcessInfo> parent() {
        return Optional.ofNullable(parent);
    }

    /** For the worker's main only: records who this worker is and who started it. */
    public static void initWorker(final ProcessInfo me, final ProcessInfo myParent) {
        self = me;
        parent = myParent;
    }

    static String nextChildName() {
        int n = CHILDREN.incrementAndGet();
        ProcessInfo me = get();
        return me.name().equals("MainProcess") ? "Process-" + n : me.name() + ":" + n;
    }
}
