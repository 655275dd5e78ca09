package org.kernellib.mp.start;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Copies a worker's stdout or stderr pipe to the parent's current {@code System.out} or
 * {@code System.err} as bytes arrive. The target is looked up for every chunk, not once, because
 * JJava installs a new {@code System.out} for each cell: output reaches the cell that is running
 * when it is printed.
 */
final class OutputRelay implements Runnable {
    private final InputStream from;
    private final Supplier<PrintStream> to;
    private final OutputLog.LineSplitter lines;
    private final CountDownLatch eof = new CountDownLatch(1);

    OutputRelay(final InputStream from, final Supplier<PrintStream> to, final OutputLog.LineSplitter lines) {
        this.from = from;
        this.to = to;
        this.lines = lines;
    }

    static OutputRelay start(final InputStream from, final Supplier<PrintStream> to,
            final OutputLog.LineSplitter lines, final String threadName) {
        OutputRelay r = new OutputRelay(from, to, lines);
        Thread t = new Thread(r, threadName);
        t.setDaemon(true);
        t.start();
        return r;
    }

    @Override
    public void run() {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = from.read(buf)) > 0) {
                PrintStream target = to.get();
                target.write(buf, 0, n);
                target.flush();
                lines.accept(buf, n);
            }
        } catch (IOException e) {
            // The pipe broke: the worker is gone, which is the same as EOF here.
        } finally {
            lines.finish();
            eof.countDown();
        }
    }

    /** Waits until the pipe reached EOF; false after the timeout. */
    boolean awaitEof(final long millis) throws InterruptedException {
        return eof.await(millis, TimeUnit.MILLISECONDS);
    }
}
