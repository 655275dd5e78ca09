package org.kernellib.mp.process;

import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

import org.kernellib.mp.start.Launcher;
import org.kernellib.mp.start.Starters;
import org.kernellib.mp.start.WorkerHandle;
import org.kernellib.mp.start.WorkerStatus;

/**
 * A task running in its own JVM process: Java's {@code multiprocessing.Process}.
 *
 * <pre>{@code
 * import org.kernellib.mp.process.Process;
 *
 * var p = new Process(() -> System.out.println("hello from " + currentProcess().name()));
 * p.start();
 * p.join();
 * p.exitCode();   // OptionalInt[0]
 * }</pre>
 *
 * <p>The class is deliberately named {@code Process}, like Python's, although that shadows
 * {@link java.lang.Process}: a single-type import ({@code import org.kernellib.mp.process.Process;})
 * takes precedence over the implicit {@code java.lang.*} import, so notebook code reads like the
 * Python it replaces. Code that needs both refers to {@code java.lang.Process} by its full name.
 *
 * <p>What the worker gets: its own JVM started from the same {@code java} with the same class
 * path; the classes of the notebook's snippets, shipped on demand; a copy, made at
 * {@link #start()}, of the top-level variables the task uses (changes in the worker are not seen
 * here, as with fork); its stdout and stderr relayed live to this JVM's. It ends with its parent.
 *
 * <p>As in Python, a subclass may override {@link #run()} instead of passing a task:
 *
 * <pre>{@code
 * class Worker extends Process {
 *     int rounds = 3;
 *     public void run() { for (int i = 0; i < rounds; i++) System.out.println(i); }
 * }
 * var w = new Worker();
 * w.rounds = 5;
 * w.start();      // the worker gets a copy of w, with rounds == 5, and calls its run()
 * }</pre>
 *
 * The subclass instance is copied to the worker with Java serialization at {@code start()}
 * (this class is {@link Serializable}; its own run-time state is transient), so its fields must
 * be serializable and, as with a captured variable, later changes on either side are not seen
 * by the other.
 *
 * <p>After {@link #close()} every method that needs the worker ({@code isAlive}, {@code join},
 * {@code terminate}, {@code kill}, {@code exitCode}, {@code pid}, {@code sentinel},
 * {@code start}) throws {@link IllegalStateException}, as Python raises {@code ValueError};
 * {@code name()}, {@code output()}, {@code startTime()} and {@code toString()} still work.
 */
public class Process implements AutoCloseable, Serializable {
    private static final long serialVersionUID = 1L;
    private static final long DRAIN_MS = 1000;

    private final String name;
    /** Null in a subclass that overrides {@link #run()}. */
    private final Task task;
    private volatile boolean daemon;
    /** The start method chosen for this process alone (a context's), or null for this JVM's. */
    private volatile String startMethod;
    /**
     * The process this object was made in. A copy that travels to another process (a worker's
     * copy of a notebook variable) cannot start, join or stop anything there: as Python says,
     * only the creator can start a process and only its parent can join it.
     */
    private final long createdIn = ProcessHandle.current().pid();
    // The state of the worker as seen from the parent: never copied into a worker.
    private transient volatile WorkerHandle worker;
    /** The unit of work that started it (see {@link Executions}): whose interrupt stops it. */
    private transient volatile Object startedIn;
    private transient volatile Instant startTime;
    private transient volatile boolean closed;
    private transient volatile Integer exitCode;
    private transient volatile CompletableFuture<Process> ended;

    /** A process named {@code Process-N} that will run {@code task}. */
    public Process(final Task task) {
        this(null, task);
    }

    /** A named process that will run {@code task}; a null name means {@code Process-N}. */
    public Process(final String name, final Task task) {
        if (task == null) {
            throw new NullPointerException("the argument 'task' of new Process is null: pass the code to run,"
                    + " e.g. new Process(() -> work())");
        }
        this.task = task;
        this.name = name != null ? name : CurrentProcess.nextChildName();
    }

    /**
     * For a subclass that overrides {@link #run()}: a process named {@code Process-N}. Python's
     * {@code Process()} without a target.
     */
    protected Process() {
        this((String) null);
    }

    /** For a subclass that overrides {@link #run()}: a named process (null means {@code Process-N}). */
    protected Process(final String name) {
        this.task = null;
        this.name = name != null ? name : CurrentProcess.nextChildName();
    }

    /**
     * What the worker runs: the task given to the constructor, or nothing. A subclass overrides
     * it, as in Python; calling it directly runs it in the calling process, as Python's
     * {@code run()} does.
     */
    public void run() throws Exception {
        if (task != null) {
            task.run();
        }
    }

    /** What travels to the worker: the task itself, or a copy of this subclass that calls run(). */
    private Serializable workerTask() {
        return getClass() == Process.class ? task : new SubclassRun(this);
    }

    /** Runs a copy of a {@code Process} subclass in the worker. */
    private static final class SubclassRun implements Task {
        private static final long serialVersionUID = 1L;
        private final Process process;

        SubclassRun(final Process process) {
            this.process = process;
        }

        @Override
        public void run() throws Exception {
            process.run();
        }
    }

    public String name() {
        return name;
    }

    public boolean isDaemon() {
        return daemon;
    }

    /**
     * Chooses the start method of this process alone, {@code "spawn"} or {@code "prestart"}
     * (before {@code start()}); this JVM's ({@code setStartMethod}) is unchanged. A context's
     * {@code process(...)} does this.
     */
    public Process startMethod(final String method) {
        if (worker != null) {
            throw new IllegalStateException("cannot change the start method of " + name + " after start()");
        }
        this.startMethod = Starters.canonical(method);
        return this;
    }

    /** The start method this process uses: its own if one was chosen, else this JVM's. */
    public String startMethod() {
        return startMethod != null ? startMethod : Starters.current().name();
    }

    /**
     * Marks the process as a daemon (before {@code start()}). A non-daemon worker keeps a plain
     * Java program alive until it ends, as in Python; a daemon one does not. Either kind ends when
     * its parent JVM ends.
     */
    public Process daemon(final boolean on) {
        if (worker != null) {
            throw new IllegalStateException("cannot change the daemon flag of " + name + " after start()");
        }
        this.daemon = on;
        return this;
    }

    /**
     * Starts the worker. Serializes the task and copies the variables it uses first, so a value
     * that cannot be copied fails here, with its name and type, before any JVM starts.
     *
     * @throws IllegalStateException when called a second time
     * @throws ProcessStartException when the task cannot be copied or no worker JVM could start
     */
    public synchronized void start() {
        requireOpen("start");
        if (worker != null) {
            throw new IllegalStateException("Process " + name + " was already started (pid " + worker.pid()
                    + "); a process can be started only once: create a new Process to run the task again");
        }
        WorkerHandle h;
        try {
            h = Launcher.start(startMethod == null ? Starters.current() : Starters.forContext(startMethod),
                    workerTask(), name, daemon);
        } catch (IllegalArgumentException e) {
            // The message is repeated here, so the cause is what lies under it: a notebook shows
            // each message of the chain, and the same sentence twice reads as two errors.
            throw new ProcessStartException("cannot start " + name + ": " + e.getMessage(), e.getCause());
        } catch (IOException e) {
            throw new ProcessStartException("cannot start " + name + ": " + e.getMessage(), e);
        }
        ended = new CompletableFuture<>();
        worker = h;
        startTime = Instant.now();
        startedIn = Executions.current();
        Children.add(this);
        // The keeper reaps the worker when it ends, so resources are freed even if nobody joins.
        // For a non-daemon worker it is a non-daemon thread: Python keeps the parent alive until
        // non-daemon children end, and this does the same for a plain Java program.
        Thread keeper = new Thread(this::keep, "kernel-lib-keeper-" + name);
        keeper.setDaemon(daemon);
        keeper.start();
    }

    private void keep() {
        waitQuietly(Long.MAX_VALUE);
        try {
            worker.awaitDrained(DRAIN_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reap();
    }

    /**
     * Waits until the worker ends and all its output has been relayed.
     *
     * @throws JoinInterruptedException if the calling thread is interrupted; the workers this
     *     thread (in a notebook: this cell's execution) started are stopped first, and the
     *     interrupt flag stays set
     */
    public void join() {
        join(Long.MAX_VALUE);
    }

    /** Waits at most {@code timeout}; returns whether the worker has ended. */
    public boolean join(final Duration timeout) {
        return join(timeout.toMillis());
    }

    /** Waits at most {@code millis} ms; returns whether the worker has ended. */
    public boolean join(final long millis) {
        WorkerHandle h = requireStarted("join");
        try {
            boolean ended = millis == Long.MAX_VALUE ? waitFor(h) : h.awaitExit(millis);
            if (ended) {
                h.awaitDrained(DRAIN_MS);
                reap();
            }
            return ended;
        } catch (InterruptedException e) {
            throw Children.onInterrupt(this, e);
        }
    }

    private static boolean waitFor(final WorkerHandle h) throws InterruptedException {
        h.awaitExit();
        return true;
    }

    /** Whether the worker was started and still runs. */
    public boolean isAlive() {
        requireOpen("check the liveness of");
        WorkerHandle h = worker;
        return h != null && h.isAlive();
    }

    /**
     * Python's {@code exitcode}: empty until the worker has ended; then 0 (returned normally),
     * 1 (uncaught exception), n ({@code System.exit(n)}) or -N (killed by signal N). See
     * {@link ExitCode} for how signals are told apart from exit statuses.
     */
    public OptionalInt exitCode() {
        requireOpen("read the exit code of");
        Integer c = exitCode;
        if (c != null) {
            return OptionalInt.of(c);
        }
        WorkerHandle h = worker;
        if (h == null || h.isAlive()) {
            return OptionalInt.empty();
        }
        try {
            h.awaitDrained(DRAIN_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reap();
        return OptionalInt.of(exitCode);
    }

    /**
     * The lines the worker printed so far (stdout and stderr, in arrival order, each stamped with
     * the time it reached this JVM); after {@code join()} that is everything it printed.
     */
    public List<OutputLine> output() {
        return requireCreated("read the output of").output();
    }

    /** When {@code start()} handed the task to the worker. */
    public Instant startTime() {
        requireCreated("ask the start time of");
        return startTime;
    }

    /** The worker's OS process id. */
    public long pid() {
        return requireStarted("read the pid of").pid();
    }

    /** Asks the worker to stop with SIGTERM (its shutdown hooks run); no-op once it ended. */
    public void terminate() {
        requireStarted("terminate").terminate();
    }

    /**
     * Python's {@code sentinel}: a future that completes with this process once the worker has
     * ended, its output has been relayed and {@link #exitCode()} is known. Like
     * {@link java.lang.Process#onExit()}, it lets code wait for several processes at once, e.g.
     * {@code CompletableFuture.anyOf(p.sentinel(), q.sentinel()).join()}, or react to an end
     * with {@code thenAccept}. Each call returns a new copy, so completing or cancelling it does
     * not affect the process or other callers.
     *
     * @throws IllegalStateException before {@code start()} or after {@code close()}
     */
    public CompletableFuture<Process> sentinel() {
        requireStarted("get the sentinel of");
        return ended.copy();
    }

    /** Kills the worker with SIGKILL; no-op once it ended. */
    public void kill() {
        requireStarted("kill").kill();
    }

    /**
     * Releases the pipes of an ended worker. Calling it on a running worker is
     * an error, as in Python; after it, the process can no longer be started or joined.
     */
    @Override
    public void close() {
        WorkerHandle h = worker;
        if (h != null && h.isAlive()) {
            throw new IllegalStateException("cannot close " + name + " (pid " + h.pid()
                    + ") while it is still running; join(), terminate() or kill() it first");
        }
        if (h != null) {
            reap();
        }
        closed = true;
    }

    /** Records the exit code of an ended worker and frees its resources (once). */
    synchronized void reap() {
        WorkerHandle h = worker;
        if (exitCode != null || h == null || h.isAlive()) {
            return;
        }
        WorkerStatus status = h.status();
        exitCode = h.exitCode();
        if (!status.running() && status.signalSent() == 0 && exitCode != 0) {
            // Its JVM failed before it could take the task (a bad flag in kernellib.worker.jvmArgs,
            // a missing java, no memory): say so, next to the JVM's own message.
            // A signal from outside (an OOM killer, a kill -9) is named as such, not as a JVM failure.
            String how = exitCode < 0 ? ExitCode.describe(exitCode) : "exited with code " + h.exitValue();
            System.err.println("kernel-lib: the worker JVM of " + name + " (pid " + h.pid() + ") " + how
                    + " before it could run its task; its own message, if any, is above. Command: "
                    + h.command());
        }
        h.close();
        Children.remove(this);
        ended.complete(this);
    }

    Object startedIn() {
        return startedIn;
    }

    void waitQuietly(final long millis) {
        WorkerHandle h = worker;
        if (h == null) {
            return;
        }
        try {
            if (millis == Long.MAX_VALUE) {
                h.awaitExit();
            } else {
                h.awaitExit(millis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void requireOpen(final String what) {
        if (createdIn != ProcessHandle.current().pid()) {
            throw new IllegalStateException("cannot " + what + " " + name + " in this process (pid "
                    + ProcessHandle.current().pid() + "): it is a copy of a Process made in pid " + createdIn
                    + ", and only that process can start, join or stop it (Python: 'can only join a child process')."
                    + " Create a new Process here, or tell the other process through a shared Event or Queue.");
        }
        if (closed) {
            throw new IllegalStateException("cannot " + what + " " + name + ": the process is closed (close() released"
                    + " it); only its name, output and start time can still be read."
                    + " Create a new Process to run the task again");
        }
    }

    private WorkerHandle requireStarted(final String what) {
        requireOpen(what);
        return requireCreated(what);
    }

    /** The output and start time stay readable after close(): they are records, not the worker. */
    private WorkerHandle requireCreated(final String what) {
        WorkerHandle h = worker;
        if (h == null) {
            requireOpen(what);
            throw new IllegalStateException("cannot " + what + " " + name + ": it was not started; call start() first");
        }
        return h;
    }

    @Override
    public String toString() {
        WorkerHandle h = worker;
        String state = closed ? "closed" : h == null ? "initial"
                : h.isAlive() ? "started" : "stopped exitcode=" + exitCode().orElse(-999);
        return "<Process name='" + name + "'" + (h == null ? "" : " pid=" + h.pid()) + " " + state
                + (daemon ? " daemon" : "") + ">";
    }
}
