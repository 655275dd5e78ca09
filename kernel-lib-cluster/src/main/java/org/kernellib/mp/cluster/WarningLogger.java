package org.kernellib.mp.cluster;

import org.apache.ignite.IgniteLogger;
import org.apache.ignite.internal.cluster.ClusterTopologyCheckedException;

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
                || msg.startsWith("Possible too long JVM pause") || msg.startsWith("Failed to wait for ack message")
                || msg.startsWith("Local node has detected failed nodes")
                || msg.startsWith("Client disconnected abruptly") || msg.startsWith("MBean for system view")
                || msg.startsWith("Client node was reconnected after it was already considered failed"))) {
            // advice for production servers, a benign race of a client joining, a busy machine's pauses
            // and late acknowledgements (Ignite logs one and waits on; seen in a notebook cell at load
            // average 14), the advice that follows a node's failure (the failure itself is said), a
            // server's note that a kernel went away, a local server's note for each system view
            // it cannot show in JMX, whose beans LocalServer turns off, and a kernel's note that it
            // rejoined and that its remote listeners must be restored (ChunkTransport says it
            // rejoined, and what it sent again; its chunk listener is back on the servers)
            return;
        }
        if (e instanceof ClusterTopologyCheckedException && msg != null && msg.startsWith("Failed to send message to remote node")) {
            // a message that was on its way to a node that has just died: one such error per message
            // in flight (six at a kill in ClusterBench's failover round), each after the death itself
            // was said ("node ... failed and has left the cluster")
            return;
        }
        if (msg != null && msg.startsWith(HEARTBEAT_LOST)) {
            // an error with the heartbeat's dump and the socket's exception: readable says it as the warning it is
            System.err.println("[ignite " + node + " warning] " + readable(msg));
            return;
        }
        System.err.println("[ignite " + node + " " + level + "] " + readable(msg) + (e == null ? "" : ": " + readable(e.toString())));
    }

    /** How Ignite begins the error it logs when a client's heartbeat to its router cannot be sent. */
    private static final String HEARTBEAT_LOST = "Failed to send message: TcpDiscoveryClientMetricsUpdateMessage";

    /** Longest message shown; Ignite's can run to kilobytes of internal state. */
    static final int MAX_MESSAGE = 400;

    /**
     * A message a learner can read: Ignite describes a node by dumping its whole descriptor
     * ({@code TcpDiscoveryNode [id=..., consistentId=127.0.0.1:47623, addrs=..., ...]}, and a
     * failure of one three times over); each such dump becomes {@code node 127.0.0.1:47623}, the
     * two messages of a node's death and the one of its job's failover say it in a line, and what
     * is left is cut at {@value #MAX_MESSAGE} characters.
     */
    static String readable(final String msg) {
        if (msg == null) {
            return "";
        }
        if (msg.startsWith("Node FAILED: ")) {
            return "node " + address(msg, 0) + " failed and has left the cluster";
        }
        if (msg.startsWith("Failed over job to a new node")) {
            // followed by the job's whole context; the node ids say nothing a learner can use
            return "a job of a node that has left runs again on another node (Ignite's failover)";
        }
        if (msg.startsWith(HEARTBEAT_LOST)) {
            // the client's socket to the server it talks through has closed: that server died
            return "lost the connection to the server it reached the cluster through; reconnecting through "
                    + "another (for up to " + NodeConfig.CLIENT_RECONNECT_MS / 1000 + " s)";
        }
        if (msg.startsWith("Failed to send message to next node")) {
            int next = msg.indexOf("next=");
            return "cannot reach node " + address(msg, Math.max(next, 0))
                    + " (if it has died, it is about to be dropped from the cluster)";
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (true) {
            int at = msg.indexOf("TcpDiscoveryNode [", i);
            if (at < 0) {
                out.append(msg, i, msg.length());
                break;
            }
            int end = closingBracket(msg, at + "TcpDiscoveryNode ".length());
            out.append(msg, i, at).append("node ").append(address(msg.substring(at, end), 0));
            i = end;
        }
        String s = out.toString();
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "... (" + (s.length() - MAX_MESSAGE)
                + " more characters)";
    }

    /** The consistent id (the discovery address) of the first node descriptor from {@code from} on. */
    private static String address(final String msg, final int from) {
        int at = msg.indexOf("consistentId=", from);
        if (at < 0) {
            return "(unknown)";
        }
        at += "consistentId=".length();
        int end = at;
        while (end < msg.length() && msg.charAt(end) != ',' && msg.charAt(end) != ']') {
            end++;
        }
        return msg.substring(at, end);
    }

    /** The index after the bracket that closes the one at {@code open}, or the end of the text. */
    private static int closingBracket(final String s, final int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']' && --depth == 0) {
                return i + 1;
            }
        }
        return s.length();
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
