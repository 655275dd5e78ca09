package org.kernellib.mp.start;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The start methods: the one in effect for this JVM ({@code spawn} unless changed), and one
 * starter per method for contexts ({@code getContext("prestart")}), which choose a start method
 * for their call sites without changing this JVM's.
 */
public final class Starters {
    /** Every start method, as {@code getAllStartMethods()} lists them. */
    public static final List<String> ALL = List.of("spawn", "prestart");

    private static volatile Starter current = new SpawnStarter();
    /** The contexts' starters, apart from {@link #current} so that changing it drops none of theirs. */
    private static final Map<String, Starter> FOR_CONTEXTS = new ConcurrentHashMap<>();

    private Starters() {
    }

    public static Starter current() {
        return current;
    }

    /**
     * The canonical name of {@code method} ({@code "forkserver"}, the nearest Python name, means
     * {@code "prestart"}), or an error that lists the start methods.
     */
    public static String canonical(final String method) {
        String m = method == null ? "" : method.toLowerCase(Locale.ROOT).trim();
        if (m.equals("forkserver")) {
            return "prestart";
        }
        if (!ALL.contains(m)) {
            throw new IllegalArgumentException("unknown start method '" + method
                    + "'; use \"spawn\" (a fresh JVM per process) or \"prestart\" (a warm standby JVM)"
                    + (m.equals("fork") ? "; a JVM cannot fork itself, and spawn is what Python 3.14 uses by default" : ""));
        }
        return m;
    }

    /**
     * Selects {@code "spawn"} or {@code "prestart"}. Choosing prestart starts a standby JVM for the
     * calling thread's class path right away, so the first process is already warm.
     */
    public static synchronized void set(final String method) {
        String m = canonical(method);
        if (m.equals(current.name())) {
            return;
        }
        Starter old = current;
        current = create(m);
        old.shutdown();
    }

    /**
     * The starter of the contexts of {@code method}: made on first use (a prestart one starts its
     * first standby then), shared by every context of that method, and ended with this JVM.
     */
    public static Starter forContext(final String method) {
        return FOR_CONTEXTS.computeIfAbsent(canonical(method), Starters::create);
    }

    /** Ends every starter, the current one and the contexts' (their standby JVMs); at exit. */
    public static void shutdownAll() {
        current.shutdown();
        FOR_CONTEXTS.values().forEach(Starter::shutdown);
    }

    private static Starter create(final String method) {
        if (method.equals("spawn")) {
            return new SpawnStarter();
        }
        PrestartStarter p = new PrestartStarter();
        p.prestart(WorkerCommand.forCurrentThread());
        return p;
    }
}
