package org.kernellib.mp.soak;

/**
 * One line of the soak report: what was measured for which workload, the limit it must stay
 * within (empty when the row only informs), and whether it did.
 */
record Row(String workload, String metric, String value, String limit, boolean ok) {

    static Row info(final String workload, final String metric, final Object value) {
        return new Row(workload, metric, String.valueOf(value), "", true);
    }

    /** A count that must not exceed {@code max}. */
    static Row atMost(final String workload, final String metric, final long value, final long max) {
        return new Row(workload, metric, Long.toString(value), "<= " + max, value <= max);
    }

    /** A count that must equal {@code expected}. */
    static Row exactly(final String workload, final String metric, final long value, final long expected) {
        return new Row(workload, metric, Long.toString(value), "= " + expected, value == expected);
    }

    /** A time in milliseconds that must not exceed {@code maxMs}. */
    static Row millisAtMost(final String workload, final String metric, final double ms, final double maxMs) {
        return new Row(workload, metric, String.format(java.util.Locale.ROOT, "%.0f ms", ms),
                String.format(java.util.Locale.ROOT, "<= %.0f ms", maxMs), ms <= maxMs);
    }
}
