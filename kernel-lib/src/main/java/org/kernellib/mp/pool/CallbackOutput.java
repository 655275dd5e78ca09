package org.kernellib.mp.pool;

import java.util.Objects;

/**
 * Where the output of a pool's callbacks goes. A callback runs on the pool's result-handler thread,
 * long after the call that gave it, so what it prints goes wherever {@code System.out} points at
 * that moment. A program has one console and nothing to choose; a notebook has cells, and the
 * kernel extension installs a {@link Routing} (once) that sends a callback's output where the
 * notebook's README says: the cell running when it prints, else the cell that submitted the call.
 */
public final class CallbackOutput {
    /** How a kernel routes callback output; see {@link CallbackOutput}. */
    public interface Routing {
        /** Runs on the thread that submits a call with a callback; what it returns goes to {@link #run}. */
        Object capture();

        /** Runs {@code callback} on the result-handler thread, its output routed by {@code captured}. */
        void run(Object captured, Runnable callback);
    }

    /** The default: a callback's output goes wherever {@code System.out} points when it prints. */
    public static final Routing AS_IS = new Routing() {
        @Override
        public Object capture() {
            return null;
        }

        @Override
        public void run(final Object captured, final Runnable callback) {
            callback.run();
        }
    };

    private static volatile Routing routing = AS_IS;

    private CallbackOutput() {
    }

    /** Replaces how callback output is routed (the kernel extension does, once). */
    public static void routeBy(final Routing r) {
        routing = Objects.requireNonNull(r, "routing");
    }

    /** A submission's origin, taken on the submitting thread. */
    static Object capture() {
        return routing.capture();
    }

    /** Runs a callback with its output routed as its origin says. */
    static void run(final Object captured, final Runnable callback) {
        routing.run(captured, callback);
    }
}
