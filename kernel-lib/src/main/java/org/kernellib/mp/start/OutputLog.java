package org.kernellib.mp.start;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
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

    /** Cuts one stream's bytes at newlines; a relay thread owns one, so it needs no locking. */
    final class LineSplitter {
        private final String stream;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        private LineSplitter(final String stream) {
            this.stream = stream;
        }

        void accept(final byte[] bytes, final int offset, final int length) {
            final Instant now = Instant.now();
            int from = offset;
            int end = offset + length;
            for (int i = offset; i < end; i++) {
                if (bytes[i] == '\n') {
                    partial.write(bytes, from, i - from);
                    emit(now);
                    from = i + 1;
                }
            }
            partial.write(bytes, from, end - from);
        }

        /** At EOF: a last line without a newline still counts. */
        void finish() {
            if (partial.size() > 0) {
                emit(Instant.now());
            }
        }

        private void emit(final Instant at) {
            String text = partial.toString(StandardCharsets.UTF_8);
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            partial.reset();
            add(new OutputLine(at, stream, text));
        }
    }
}
