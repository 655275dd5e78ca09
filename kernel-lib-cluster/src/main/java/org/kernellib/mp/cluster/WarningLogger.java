package org.kernellib.mp.cluster;

import org.apache.ignite.IgniteLogger;

/**
 * Ignite's log as a notebook wants it: warnings and errors on stderr, each line marked with the
 * node, and nothing else. Ignite's informational messages (its banner, topology snapshots) would
 * bury a cell's output; its warnings are the ones that explain a failure.
 */
final class WarningLogger implements IgniteLogger {
    private final String node;

    WarningLogger(final String node) {
        this.node = node;
    }

    @Override
    public IgniteLogger getLogger(final Object category) {
        return this;
    }

    @Override
    public void trace(final String msg) {
    }

    @Override
    public void debug(final String msg) {
    }

    @Override
    public void info(final String msg) {
    }

    @Override
    public void warning(final String msg, final Throwable e) {
        print("warning", msg, e);
    }

    @Override
    public void error(final String msg, final Throwable e) {
        print("error", msg, e);
    }

    private void print(final String level, final String msg, final Throwable e) {
        if (msg != null && (msg.startsWith("Initial heap size") || msg.startsWith("Received state finish message")
                || msg.startsWith("Possible too long JVM pause") || msg.startsWith("Failed to wait for ack message"))) {
            // advice for production servers, a benign race of a client joining, and a busy machine's pauses
            // and late acknowledgements (Ignite logs one and waits on; seen in a notebook cell at load average 14)
            return;
        }
        System.err.println("[ignite " + node + " " + level + "] " + msg + (e == null ? "" : ": " + e));
    }

    @Override
    public boolean isTraceEnabled() {
        return false;
    }

    @Override
    public boolean isDebugEnabled() {
        return false;
    }

    @Override
    public boolean isInfoEnabled() {
        return false;
    }

    /** False: in quiet mode Ignite prints its start-up and topology lines to stdout itself. */
    @Override
    public boolean isQuiet() {
        return false;
    }

    @Override
    public String fileName() {
        return null;
    }
}
