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

    static void throwChecked() throws java.io.IOException {
        throw new java.io.IOException("checked boom");
    }

    /**
     * 20 000 bytes of binary "stderr", full of NULs and the sideband's fixed prefix, which the
     * worker's control frames must not be confused with.
     */
    static byte[] junk() {
        byte[] b = new byte[20_000];
        for (int i = 0; i < b.length; i++) {
            switch (i % 7) {
                case 0 -> b[i] = 0x00;
                case 1 -> b[i] = 0x1B;
                case 2 -> b[i] = 'K';
                case 3 -> b[i] = 'L';
                default -> b[i] = (byte) (i * 31);
            }
        }
        return b;
    }

    static void printJunkToStderr() throws java.io.IOException {
        System.err.write(junk());
        System.err.flush();
    }

    static void hello() {
        System.out.println("hello from " + org.kernellib.mp.Multiprocessing.currentProcess().name()
                + " child of " + org.kernellib.mp.Multiprocessing.parentProcess().map(ProcessInfo::name).orElse("?"));
    }
}
