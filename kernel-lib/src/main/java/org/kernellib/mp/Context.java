package org.kernellib.mp;

import java.util.List;

import org.kernellib.mp.manager.Manager;
import org.kernellib.mp.pool.Pool;
import org.kernellib.mp.pool.PoolBuilder;
import org.kernellib.mp.process.Process;
import org.kernellib.mp.process.Task;
import org.kernellib.mp.shared.SharedState;
import org.kernellib.mp.start.Starters;

/**
 * A start method and every factory, Python's {@code multiprocessing.get_context(method)}: a call
 * site picks how its processes start without changing the method of the whole JVM.
 *
 * <pre>{@code
 * Context ctx = getContext("prestart");
 * Process p = ctx.process(() -> work());     // started from a warm standby JVM
 * try (Pool pool = ctx.pool(4)) { ... }      // so are this pool's workers
 * IntValue v = ctx.intValue(0);              // values, arrays, locks, queues: as everywhere
 * getStartMethod();                          // still "spawn"
 * }</pre>
 *
 * <p>{@link #process(Task)}, {@link #pool(int)} and {@link #manager()} bind the context's start method; the other
 * factories ({@code intValue}, {@code doubleArray}, {@code lock}, {@code queue}, {@code pipe}, ...)
 * are the ones of {@link SharedState}, inherited, because shared objects are the same whatever
 * starts the processes that use them, as in Python. Contexts of one start method share their
 * starter (a {@code prestart} context's standby JVMs), which ends with this JVM. The default
 * context, {@code getContext()}, follows {@code setStartMethod}.
 */
public final class Context extends SharedState {
    /** The start method, or null for the default context, which follows this JVM's. */
    private final String method;

    Context(final String method) {
        this.method = method == null ? null : Starters.canonical(method);
        if (this.method != null) {
            Starters.forContext(this.method); // a prestart context starts warming its first standby now
        }
    }

    /** This context's start method. */
    public String getStartMethod() {
        return method != null ? method : Starters.current().name();
    }

    /** The start methods there are: {@code [spawn, prestart]}. */
    public List<String> getAllStartMethods() {
        return Starters.ALL;
    }

    /** Python's {@code ctx.Process(target=...)}: a process started by this context's method. */
    public Process process(final Task task) {
        return bind(new Process(task));
    }

    /** A named process started by this context's method. */
    public Process process(final String name, final Task task) {
        return bind(new Process(name, task));
    }

    /** Binds a process made otherwise (a subclass of {@code Process}) to this context's start method. */
    public <P extends Process> P bind(final P process) {
        if (method != null) {
            process.startMethod(method);
        }
        return process;
    }

    /** Python's {@code ctx.Pool()}: one worker per processor. */
    public Pool pool() {
        return poolBuilder().build();
    }

    /** Python's {@code ctx.Pool(processes)}. */
    public Pool pool(final int processes) {
        return poolBuilder().processes(processes).build();
    }

    /** Python's {@code ctx.Pool(processes, initializer, maxtasksperchild)}. */
    public Pool pool(final int processes, final Task initializer, final int maxTasksPerChild) {
        return poolBuilder().processes(processes).initializer(initializer).maxTasksPerChild(maxTasksPerChild).build();
    }

    /** A pool builder with this context's start method set. */
    public PoolBuilder poolBuilder() {
        PoolBuilder b = Pool.builder();
        return method != null ? b.startMethod(method) : b;
    }

    /** Python's {@code ctx.Manager()}: a manager process started by this context's method. */
    public Manager manager() {
        return Manager.start(method);
    }

    @Override
    public String toString() {
        return method != null ? "Context[" + method + "]" : "Context[default: " + getStartMethod() + "]";
    }
}
