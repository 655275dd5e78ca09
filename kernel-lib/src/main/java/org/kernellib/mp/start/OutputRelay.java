package org.kernellib.mp.start;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.kernellib.mp.connection.Frame;
import org.kernellib.mp.connection.SidebandReader;

/**
 * Copies a worker's stdout or stderr pipe to the parent's current {@code System.out} or
 * {@code System.err} as bytes arrive, cut at character boundaries (see {@link TextDecoder}): JJava's
 * streams decode each flush on its own, so a character cut between two reads would otherwise show
 * as two U+FFFD. The bytes pass unchanged; {@code output()} gets their text. The target is looked
 * up for every chunk, not once, because JJava installs a new {@code System.out} for each cell:
 * output reaches the cell that is running when it is printed. On stderr it also picks out the
 * worker's control frames (see {@link org.kernellib.mp.connection.Sideband}) and hands them to the
 * worker's handle.
 */
final class OutputRelay implements Runnable, SidebandReader.Sink, TextDecoder.Sink {
    private final InputStream from;
    private final Supplier<PrintStream> to;
    private final OutputLog.LineSplitter lines;
    private final TextDecoder decoder = new TextDecoder();
    private final SidebandReader sideband;
    private final Consumer<Frame> frames;
    private final Runnable atEof;
    private final CountDownLatch eof = new CountDownLatch(1);

    private OutputRelay(final InputStream from, final Supplier<PrintStream> to, final OutputLog.LineSplitter lines,
            final byte[] marker, final Consumer<Frame> frames, final Runnable atEof) {
        this.from = from;
        this.to = to;
        this.lines = lines;
        this.frames = frames;
        this.atEof = atEof;
        this.sideband = marker == null ? null : new SidebandReader(marker, this);
    }

    /** Relays plain text (a worker's stdout). */
    static OutputRelay start(final InputStream from, final Supplier<PrintStream> to,
            final OutputLog.LineSplitter lines, final String threadName) {
        return start(new OutputRelay(from, to, lines, null, null, null), threadName);
    }

    /**
     * Relays text and passes frames marked with {@code marker} to {@code frames} (a worker's
     * stderr); runs {@code atEof} once the pipe ended and {@link #awaitEof} no longer waits.
     */
    static OutputRelay start(final InputStream from, final Supplier<PrintStream> to,
            final OutputLog.LineSplitter lines, final byte[] marker, final Consumer<Frame> frames,
            final Runnable atEof, final String threadName) {
        return start(new OutputRelay(from, to, lines, marker, frames, atEof), threadName);
    }

    private static OutputRelay start(final OutputRelay r, final String threadName) {
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
                if (sideband != null) {
                    sideband.accept(buf, n);
                } else {
                    text(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // The pipe broke: the worker is gone, which is the same as EOF here.
        } finally {
            if (sideband != null) {
                sideband.finish();
            }
            decoder.finish(this);
            lines.finish();
            eof.countDown();
            if (atEof != null) {
                atEof.run();
            }
        }
    }

    @Override
    public void text(final byte[] bytes, final int offset, final int length) {
        decoder.accept(bytes, offset, length, this);
    }

    /** Whole characters: their bytes to the cell, their text to the log. */
    @Override
    public void text(final byte[] bytes, final int offset, final int length, final String text) {
        PrintStream target = to.get();
        target.write(bytes, offset, length);
        target.flush();
        lines.accept(text);
    }

    @Override
    public void frame(final Frame frame) {
        frames.accept(frame);
    }

    /** Waits until the pipe reached EOF; false after the timeout. */
    boolean awaitEof(final long millis) throws InterruptedException {
        return eof.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Whether the pipe reached EOF. */
    boolean atEof() {
        return eof.getCount() == 0;
    }
}
