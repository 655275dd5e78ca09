package org.kernellib.mp.start;

/**
 * A worker ends the way a Java {@code main} does and the way Python's processes do: after its task
 * returns (or throws), it waits for the other non-daemon threads the task started, so their work
 * and output are not cut off; daemon threads end with the JVM. SIGTERM and SIGKILL
 * ({@code terminate()}, {@code kill()}) still end the worker at once: the exit they cause does
 * not wait for anything.
 */
final class NonDaemonThreads {
    private NonDaemonThreads() {
    }

    /** Returns once every live non-daemon thread but the caller has ended (threads they start too). */
    static void awaitAll() {
        Thread self = Thread.currentThread();
        boolean interrupted = false;
        for (Thread t = next(self); t != null; t = next(self)) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true; // nobody interrupts the task's thread to cut this short; keep waiting
            }
        }
        if (interrupted) {
            self.interrupt();
        }
    }

    /** A live non-daemon thread other than {@code self}, or null. */
    private static Thread next(final Thread self) {
        ThreadGroup root = self.getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] all = new Thread[root.activeCount() + 16];
        int n = root.enumerate(all, true);
        for (int i = 0; i < n; i++) {
            Thread t = all[i];
            if (t != self && !t.isDaemon() && t.isAlive()) {
                return t;
            }
        }
        return null;
    }
}
