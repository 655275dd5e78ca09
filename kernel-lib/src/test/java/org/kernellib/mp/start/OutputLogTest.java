package org.kernellib.mp.start;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.kernellib.mp.process.OutputLine;

class OutputLogTest {
    private static void feed(final OutputLog.LineSplitter splitter, final String text) {
        splitter.accept(text);
    }

    private static List<String> texts(final OutputLog log) {
        return log.lines().stream().map(l -> l.stream() + ":" + l.text()).collect(Collectors.toList());
    }

    @Test
    void shouldJoinLinesSplitAcrossChunksAndKeepBothStreamsInArrivalOrder() {
        OutputLog log = new OutputLog();
        OutputLog.LineSplitter out = log.splitter("stdout");
        OutputLog.LineSplitter err = log.splitter("stderr");
        feed(out, "squ");
        feed(err, "oops\r\n");
        feed(out, "are 4\ncube 8\nsquare");
        feed(out, " 9");
        out.finish();
        err.finish();
        assertEquals(List.of("stderr:oops", "stdout:square 4", "stdout:cube 8", "stdout:square 9"), texts(log));
    }

    @Test
    void shouldStampLinesInArrivalOrder() {
        OutputLog log = new OutputLog();
        OutputLog.LineSplitter out = log.splitter("stdout");
        feed(out, "a\n");
        feed(out, "b\n");
        List<OutputLine> lines = log.lines();
        assertFalse(lines.get(1).time().isBefore(lines.get(0).time()));
        assertTrue(lines.get(1).secondsSince(lines.get(0).time()) >= 0);
    }

    @Test
    void shouldKeepOnlyTheNewestLinesOfAWorkerThatNeverStopsPrinting() {
        OutputLog log = new OutputLog();
        OutputLog.LineSplitter out = log.splitter("stdout");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < OutputLog.MAX_LINES + 10; i++) {
            many.append(i).append('\n');
        }
        feed(out, many.toString());
        List<OutputLine> lines = log.lines();
        assertEquals(OutputLog.MAX_LINES, lines.size());
        assertEquals("10", lines.get(0).text());
    }
}
