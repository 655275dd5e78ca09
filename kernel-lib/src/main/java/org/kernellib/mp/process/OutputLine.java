package org.kernellib.mp.process;

import java.time.Duration;
import java.time.Instant;

/**
 * One line a worker printed, stamped when the parent received it.
 *
 * <p>The relay keeps these besides copying the bytes to the cell, so a notebook can show
 * afterwards who printed what and when (a timeline of the interleaving) without changing the
 * worker's code.
 *
 * @param time when the line reached the parent
 * @param stream {@code "stdout"} or {@code "stderr"}
 * @param text the line, without its line terminator
 */
public record OutputLine(Instant time, String stream, String text) {
    /** Seconds from {@code origin} to this line, for charts. */
    public double secondsSince(final Instant origin) {
        return Duration.between(origin, time).toNanos() / 1e9;
    }
}
