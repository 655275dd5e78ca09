package org.kernellib.mp.process;

/** Tasks compiled into the test classes (so on the worker's class path), for the plain-Java tests. */
final class TestTasks {
    private TestTasks() {
    }

    static void sleepLong() throws InterruptedException {
        Thread.sleep(60_000);
    }

    static void lastWordsThenSleep() throws InterruptedException {
        System.out.print("last words");   // no newline and no flush: must still arrive at once
        System.err.print("error words");
        Thread.sleep(60_000);
    }

    /** A worker that starts its own worker, as Python allows for non-daemon processes. */
    static void nested() {
        Process child = new Process(TestTasks::hello);
        child.start();
        child.join();
        System.exit(child.exitCode().orElse(-1) == 0 ? 0 : 5);
    }

    static void exitThree() {
        System.exit(3);
    }

    static void hello() {
        System.out.println("hello from " + org.kernellib.mp.Multiprocessing.currentProcess().name()
                + " child of " + org.kernellib.mp.Multiprocessing.parentProcess().map(ProcessInfo::name).orElse("?"));
    }
}
