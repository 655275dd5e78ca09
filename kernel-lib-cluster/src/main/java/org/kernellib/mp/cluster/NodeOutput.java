package org.kernellib.mp.cluster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What a task prints on a node goes back to the kernel with its answer, to be shown in the cell
 * that is running, each line marked with the node ({@link #relay}). Without this it went to the
 * node's own console: for a local server, relayed unmarked to the kernel's; on a real cluster,
 * to a log on another machine.
 *
 * <p>The node's {@code System.out} and {@code System.err} are replaced once by streams that send
 * what a job's own thread prints into that job's buffer and everything else (Ignite's warnings,
 * threads the task started itself) where it went before. Output is relayed when the chunk ends,
 * not as it is printed; at most {@link #LIMIT} bytes of each stream per chunk, then a note says
 * how much was cut.
 */
final class NodeOutput {
    /** Bytes of one stream kept per chunk: a task printing in a loop must not bloat its answer. */
    static final int LIMIT = 256 * 1024;
    private static final ThreadLocal<Captured> CURRENT = new ThreadLocal<>();
    private static boolean installed;

    private NodeOutput() {
    }

    /** The output of one job: stdout and stderr bytes (UTF-8), each cut at {@link #LIMIT}. */
    static final class Captured {
        final Buffer out = new Buffer();
        final Buffer err = new Buffer();
    }

    /** One stream of a job, counting what it could not keep. */
    static final class Buffer extends ByteArrayOutputStream {
        long cut;

        @Override
        public synchronized void write(final int b) {
            if (count < LIMIT) {
                super.write(b);
            } else {
                cut++;
            }
        }

        @Override
        public synchronized void write(final byte[] b, final int off, final int len) {
            int keep = Math.max(0, Math.min(len, LIMIT - count));
            super.write(b, off, keep);
            cut += len - keep;
        }

        /** The text kept, and a line saying how much was not. */
        String text() {
            String s = toString(StandardCharsets.UTF_8);
            return cut == 0 ? s : s + (s.endsWith("\n") || s.isEmpty() ? "" : "\n") + "... " + cut
                    + " more bytes of output cut (at most " + LIMIT + " are relayed per chunk)\n";
        }
    }

    /** Ends a capture: the thread prints where it printed before. */
    interface Capture extends AutoCloseable {
        @Override
        void close();
    }

    /** Sends what this thread prints into {@code into} until the capture is closed. */
    static Capture capture(final Captured into) {
        install();
        Captured before = CURRENT.get();
        CURRENT.set(into);
        return () -> CURRENT.set(before);
    }

    private static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        System.setOut(new PrintStream(new Router(System.out, false), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Router(System.err, true), true, StandardCharsets.UTF_8));
    }

    /** A job thread's bytes to its buffer, any other thread's to the stream there was before. */
    private static final class Router extends OutputStream {
        private final PrintStream previous;
        private final boolean err;

        Router(final PrintStream previous, final boolean err) {
            this.previous = previous;
            this.err = err;
        }

        private OutputStream target() {
            Captured c = CURRENT.get();
            return c == null ? previous : err ? c.err : c.out;
        }

        @Override
        public void write(final int b) throws IOException {
            target().write(b);
        }

        @Override
        public void write(final byte[] b, final int off, final int len) throws IOException {
            target().write(b, off, len);
        }

        @Override
        public void flush() {
            if (CURRENT.get() == null) {
                previous.flush();
            }
        }
    }

    /**
     * Prints a node's relayed output in this JVM, each line marked with the node: {@code [server-1] ...}.
     * The streams are looked up now, not kept, because a notebook kernel installs new ones for
     * each cell: the output shows in the cell that is running when the chunk's answer arrives.
     */
    static void relay(final String node, final String out, final String err) {
        print(System.out, node, out);
        print(System.err, node, err);
    }

    private static void print(final PrintStream to, final String node, final String text) {
        if (text.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder(text.length() + 32);
        int from = 0;
        while (from < text.length()) {
            int nl = text.indexOf('\n', from);
            int end = nl < 0 ? text.length() : nl + 1;
            b.append('[').append(node).append("] ").append(text, from, end);
            from = end;
        }
        if (b.charAt(b.length() - 1) != '\n') {
            b.append('\n');
        }
        synchronized (to) {
            to.print(b);
            to.flush();
        }
    }
}
