package org.kernellib.mp;

import java.util.List;
import java.util.Optional;

import org.kernellib.mp.manager.Manager;
import org.kernellib.mp.process.Children;
import org.kernellib.mp.process.CurrentProcess;
import org.kernellib.mp.process.Process;
import org.kernellib.mp.process.ProcessInfo;
import org.kernellib.mp.shared.SharedState;
import org.kernellib.mp.start.Starters;

/**
 * The module-level functions of Python's {@code multiprocessing}, for
 * {@code import static org.kernellib.mp.Multiprocessing.*;} in a notebook.
 *
 * <p>It extends {@link SharedState} only to re-export its factories ({@code intValue},
 * {@code intArray}, {@code lock}, {@code queue}, ...): a static import brings in inherited static
 * methods too, so one import gives a notebook the whole of Python's module namespace, the way
 * {@code multiprocessing/__init__.py} re-exports the default context, without a second copy of
 * every factory.
 */
public final class Multiprocessing extends SharedState {
    private Multiprocessing() {
    }

    /** This process: {@code MainProcess} in the kernel, e.g. {@code Process-1} in a worker. */
    public static ProcessInfo currentProcess() {
        return CurrentProcess.get();
    }

    /** The parent of this process; empty in the kernel. */
    public static Optional<ProcessInfo> parentProcess() {
        return CurrentProcess.parent();
    }

    /** The children started here that are still running (ended ones are reaped on the way). */
    public static List<Process> activeChildren() {
        return Children.active();
    }

    /**
     * Starts a manager process and returns it: Python's {@code Manager()}. Close it (or use
     * try-with-resources) to end it; it also ends with this process.
     */
    public static Manager manager() {
        return Manager.start();
    }

    /** The number of processors available to this JVM. */
    public static int cpuCount() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * {@code "spawn"}: a fresh JVM per process (the default). {@code "prestart"}: a warm standby
     * JVM, already connected and waiting, takes each task, and is replaced in the background.
     */
    public static void setStartMethod(final String method) {
        Starters.set(method);
    }

    public static String getStartMethod() {
        return Starters.current().name();
    }

    /** Every start method: {@code [spawn, prestart]}. */
    public static List<String> getAllStartMethods() {
        return Starters.ALL;
    }

    /**
     * A context for {@code method} ({@code "spawn"} or {@code "prestart"}): every factory, with
     * processes and pools started by that method, leaving this JVM's start method as it is. An
     * unknown name is an error that lists the start methods.
     */
    public static Context getContext(final String method) {
        return new Context(method);
    }

    /** The default context: its start method is whatever {@link #setStartMethod} chose, now and later. */
    public static Context getContext() {
        return new Context(null);
    }
}
