package org.kernellib.mp.start;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import org.kernellib.mp.process.OutputLine;

/**
 * The lines one worker printed, on both streams, in the order they arrived.
 *
 * <p>Bounded, so a worker printing without end cannot fill the parent's heap: past
 * {@link #MAX_LINES} the oldest lines are not kept (the cell still shows everything).
 */
public final class OutputLog {
    /** The most lines kept per worker. */
    public static final int MAX_LINES = 100_000;

    private final ArrayDeque<OutputLine> lines = new ArrayDeque<>();

    /** A splitter that turns one stream's bytes into lines of this log. */
    LineSplitter splitter(final String stream) {
        return new LineSplitter(stream);
    }

    private synchronized void add(final OutputLine line) {
        if (lines.size() == MAX_LINES) {
            lines.removeFirst();
        }
        lines.add(line);
    }

    /** A copy of the lines received so far. */
    public synchronized List<OutputLine> lines() {
        return List.copyOf(lines);
    }

    /**
     * Cuts one stream's text (already decoded, the same text the cell shows) at newlines; a relay
     * thread owns one, so it needs no locking.
     */
    final class LineSplitter {
        private final String stream;
        private final StringBuilder partial = new StringBuilder();

        private LineSplitter(final String stream) {
            this.stream = stream;
        }

        void accept(final String text) {
            final Instant now = Instant.now();
            int from = 0;
            for (int nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
                partial.append(text, from, nl);
                emit(now);
                from = nl + 1;
            }
            partial.append(text, from, text.length());
        }

        /** At EOF: a last line without a newline still counts. */
        void finish() {
            if (partial.length() > 0) {
                emit(Instant.now());
            }
        }

        private void emit(final Instant at) {
            int end = partial.length();
            if (end > 0 && partial.charAt(end - 1) == '\r') {
                end--;
            }
            String text = partial.substring(0, end);
            partial.setLength(0);
            add(new OutputLine(at, stream, text));
        }
    }
}
