package org.kernellib.mp.start;

import java.util.Locale;

/** The start method in effect for this JVM ({@code spawn} unless changed). */
public final class Starters {
    private static volatile Starter current = new SpawnStarter();

    private Starters() {
    }

    public static Starter current() {
        return current;
    }

    /**
     * Selects {@code "spawn"} or {@code "prestart"}. Choosing prestart starts a standby JVM for the
     * calling thread's class path right away, so the first process is already warm.
     */
    public static synchronized void set(final String method) {
        String m = method == null ? "" : method.toLowerCase(Locale.ROOT).trim();
        if (m.equals(current.name())) {
            return;
        }
        Starter next;
        switch (m) {
            case "spawn":
                next = new SpawnStarter();
                break;
            case "prestart":
            case "forkserver":
                PrestartStarter p = new PrestartStarter();
                p.prestart(WorkerCommand.forCurrentThread());
                next = p;
                break;
            default:
                throw new IllegalArgumentException("unknown start method '" + method
                        + "'; use \"spawn\" (a fresh JVM per process) or \"prestart\" (a warm standby JVM)");
        }
        Starter old = current;
        current = next;
        old.shutdown();
    }
}
