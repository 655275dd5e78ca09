package org.kernellib.mp.start;

import java.io.IOException;

/** Starts a fresh ("cold") JVM for every process, like Python's spawn start method. */
public final class SpawnStarter implements Starter {
    @Override
    public String name() {
        return "spawn";
    }

    @Override
    public boolean startsFresh() {
        return true;
    }

    @Override
    public WorkerHandle acquire(final WorkerCommand command) throws IOException {
        return WorkerHandle.launch(command, false);
    }
}
