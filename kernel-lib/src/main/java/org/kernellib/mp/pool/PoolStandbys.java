package org.kernellib.mp.pool;

import java.util.List;

import org.kernellib.mp.start.Starter;
import org.kernellib.mp.start.Starters;
import org.kernellib.mp.start.WorkerCommand;

/**
 * The standby worker JVMs a {@code prestart} starter keeps for the next pool: their command is
 * the pool's (the caller's class path and kernel-lib's), so a standby can take a pool worker's
 * task. A starter that starts every JVM fresh ({@code spawn}) keeps none.
 */
final class PoolStandbys {
    private PoolStandbys() {
    }

    /** {@link Pool#prestart(int)}: {@code n} standbys for pools made by the calling thread. */
    static void prestart(final int n) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        keep(Starters.current(), cl != null ? cl : ClassLoader.getSystemClassLoader(), n);
    }

    /** Asks {@code starter} to keep {@code n} standbys for pools whose classes come from {@code context}. */
    static void keep(final Starter starter, final ClassLoader context, final int n) {
        if (!starter.startsFresh()) {
            starter.keep(WorkerCommand.forLoaders(List.of(context, Pool.class.getClassLoader())), n);
        }
    }
}
