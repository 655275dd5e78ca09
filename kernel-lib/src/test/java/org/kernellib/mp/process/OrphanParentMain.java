package org.kernellib.mp.process;

/** A parent JVM for the orphan test: starts a long worker, prints its pid, and waits to be killed. */
public final class OrphanParentMain {
    private OrphanParentMain() {
    }

    public static void main(final String[] args) throws Exception {
        Process p = new Process(TestTasks::sleepLong);
        p.start();
        System.out.println("worker-pid " + p.pid());
        System.out.flush();
        Thread.sleep(60_000);
    }
}
