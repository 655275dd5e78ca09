package org.kernellib.mp.jupyter;

/**
 * Ends the kernel's JVM as soon as JJava has shut the kernel down.
 *
 * <p>On a shutdown request JJava answers, closes its sockets and returns from {@code main}; but the
 * thread pool it evaluates cells on keeps its idle thread, not a daemon, alive for 60 seconds, and
 * the JVM waits for it. Jupyter does not wait that long: jupyter_client sends SIGTERM after 2.5 s
 * and SIGKILL after 5 s, so every shut-down took seconds, and {@code make html} waited through
 * each before it started the next notebook. Exiting once {@code main} has returned runs the same
 * shutdown hooks as that SIGTERM did (kernel-lib's stop the workers and remove the runtime
 * directory), only without the wait.
 */
final class ExitAfterShutdown {
    private ExitAfterShutdown() {
    }

    /** Exits the JVM once {@code kernelMain}, the thread that runs JJava's {@code main}, has ended. */
    static void watch(final Thread kernelMain) {
        Thread t = new Thread(() -> {
            try {
                kernelMain.join();
            } catch (InterruptedException e) {
                return;
            }
            System.exit(0);
        }, "kernel-lib-exit-after-shutdown");
        t.setDaemon(true);
        t.start();
    }
}
