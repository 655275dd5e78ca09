package org.kernellib.mp.manager;

/**
 * An object the manager holds for its proxies (CPython's "referent"). The manager runs each
 * call on the thread of the connection it came on, so an implementation guards its state itself;
 * each says which of its operations are atomic. A call that blocks must wait interruptibly: the
 * manager interrupts it when the caller's connection closes.
 */
interface Served {
    /**
     * Runs one operation.
     *
     * @param operation the name the proxy sent
     * @param args the proxy's arguments, decoded
     * @throws IllegalArgumentException for an operation this kind does not have
     */
    Object call(String operation, Object[] args) throws Exception;

    /**
     * Whether {@code operation} may wait (for a lock, an item, other parties). The manager runs
     * those on a thread of their own, which it interrupts when the caller's connection closes;
     * the others run on the connection's reader thread, saving a thread hand-off per call.
     */
    default boolean blocks(final String operation) {
        return false;
    }

    /** The error for an operation name a proxy of this kind never sends. */
    static IllegalArgumentException unknown(final String kind, final String operation) {
        return new IllegalArgumentException("a manager " + kind + " has no operation '" + operation + "'");
    }

    /** Seconds as Python's {@code timeout}: negative or NaN means wait without limit. */
    static long nanos(final Object seconds) {
        double s = ((Number) seconds).doubleValue();
        return s >= 0 ? (long) Math.min(s * 1e9, Long.MAX_VALUE) : Long.MAX_VALUE;
    }
}
