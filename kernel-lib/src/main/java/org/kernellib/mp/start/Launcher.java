package org.kernellib.mp.start;

import java.io.IOException;
import java.io.Serializable;

import org.kernellib.mp.process.CurrentProcess;
import org.kernellib.mp.serial.TaskPayload;

/**
 * Starts a worker JVM with its task: the one way a worker comes to exist, for a
 * {@code Process}, a pool worker and the CDS training run alike. The counterpart of CPython's
 * {@code popen_*} modules: what it returns, a {@link WorkerHandle}, holds the command, the pipes,
 * reaping and exit decoding; where the JVM comes from is the {@link Starter}'s business (a fresh
 * one, or a standby of {@link PrestartStarter}).
 *
 * <p>Order of work on a cold start: the JVM is launched first, since it needs nothing from the
 * task to boot, and the task is serialized while it boots; the class path the task needs, known
 * only after serializing it, travels with the task. A JVM launched early that turns out not to
 * fit the task (another class path prefix) is discarded and a fitting one acquired.
 */
public final class Launcher {
    private Launcher() {
    }

    /**
     * Starts a worker running {@code task} through the current start method.
     *
     * @param task a {@code Task} or any serializable task object {@link TaskPayload} can carry
     * @param name the worker's process name
     * @param daemon whether the worker is a daemon process
     * @throws IllegalArgumentException when the task cannot be copied (TaskPayload says which
     *     variable and why)
     * @throws IOException when no worker JVM could start or take the task
     */
    public static WorkerHandle start(final Serializable task, final String name, final boolean daemon)
            throws IOException {
        return start(Starters.current(), task, name, daemon);
    }

    /** Like {@link #start(Serializable, String, boolean)} through {@code starter} (a context's, a pool's). */
    public static WorkerHandle start(final Starter starter, final Serializable task, final String name,
            final boolean daemon) throws IOException {
        WorkerHandle early = starter.startsFresh() ? starter.acquire(WorkerCommand.forCurrentThread()) : null;
        TaskPayload payload;
        WorkerCommand[] command = new WorkerCommand[1];
        try {
            payload = TaskPayload.prepare(task, name, daemon, CurrentProcess.get().name(), loaders -> {
                command[0] = WorkerCommand.forLoaders(loaders);
                return command[0].userClassPath();
            });
        } catch (RuntimeException | Error e) {
            if (early != null) {
                early.discard();
            }
            throw e;
        }
        WorkerHandle h = early;
        if (h != null && !h.canTake(command[0])) {
            h.discard();
            h = null;
        }
        if (h == null) {
            h = starter.acquire(command[0]);
        }
        return send(h, payload);
    }

    /**
     * Starts a fresh worker with an explicit command and an already prepared task, bypassing the
     * start method (the CDS training run needs its own flags).
     */
    public static WorkerHandle start(final WorkerCommand command, final TaskPayload payload) throws IOException {
        return send(WorkerHandle.launch(command, false), payload);
    }

    private static WorkerHandle send(final WorkerHandle h, final TaskPayload payload) throws IOException {
        try {
            h.sendTask(payload.encode(), payload.shipper());
        } catch (IOException | RuntimeException e) {
            h.discard();
            throw e;
        }
        return h;
    }
}
