package org.kernellib.mp.manager;

import java.util.Set;

/**
 * A {@link Served} kind some of whose operations wait (a lock's acquire, a queue's put and get): it
 * names them once, and {@link #blocks(String)} answers from that list.
 */
abstract class WaitingServed implements Served {
    private final Set<String> waiting;

    /** @param waiting the operations that may wait */
    WaitingServed(final String... waiting) {
        this.waiting = Set.of(waiting);
    }

    @Override
    public final boolean blocks(final String operation) {
        return waiting.contains(operation);
    }
}
