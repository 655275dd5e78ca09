package org.kernellib.mp.pool;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.kernellib.mp.process.ProcessInfo;
import org.kernellib.mp.process.Task;
import org.kernellib.mp.serial.ClassShipper;
import org.kernellib.mp.serial.TaskPayload;
import org.kernellib.mp.start.Starter;
import org.kernellib.mp.start.Starters;

/**
 * A pool of long-lived worker JVMs that apply a function to many items: Python's
 * {@code multiprocessing.Pool}, made so that no call ever hangs.
 *
 * <pre>{@code
 * import org.kernellib.mp.pool.Pool;
 *
 * long f(int n) { long s = 0; for (int x = 0; x < 1000; x++) s += (long) x * x; return s; }
 * var pool = new Pool();                                  // one worker per core
 * List<Long> r = pool.map(n -> f(n), range);              // results in input order
 * for (var v : pool.imapUnordered(n -> f(n), range)) ...  // as they arrive
 * pool.close();                                           // waits for submitted work
 * }</pre>
 *
 * <p><b>What runs in the workers.</b> Each call ships the function (a lambda, method reference
 * or object of a {@link SerializableFunction}) together with a copy of the notebook's top-level
 * variables it uses, taken at that call, exactly as {@code Process.start()} does; snippet classes
 * are shipped on demand, in the version current at the call. Items and results travel by Java
 * serialization. Workers are started through the current start method
 * ({@code setStartMethod("prestart")} makes a pool start from warm spare JVMs started ahead of
 * time, see {@link #prestart(int)}) and then run
 * call after call, so a pool kept across cells stays warm (JIT-compiled code, loaded classes).
 * The {@code initializer} runs once in each worker before its first task: state it leaves in
 * class-path classes or the JVM is seen by later tasks, but notebook variables are re-copied
 * from the notebook at every call, so it cannot set those for the tasks.
 *
 * <p>A pool cannot travel to a worker. A function that captures one is refused when it is
 * submitted; a worker whose copied notebook variables include one (a method that calls
 * {@code pool.map} and defines the lambda, say) gets a copy whose every use throws an
 * {@link IllegalStateException} saying so (see {@link PoolCopy}).
 *
 * <p><b>Chunks.</b> Items are sent in chunks; {@code map} uses Python's default chunk size
 * {@code ceil(n / (4 * processes))}, {@code imap}/{@code imapUnordered} use 1 unless told. A chunk
 * is one "task" for {@code maxTasksPerChild}, as in Python. Inputs are read completely when the
 * call is made (infinite iterables are not supported).
 *
 * <p><b>Failures.</b> An exception in the function fails the whole call with a
 * {@link PoolTaskException} (cause: the original exception with its worker-side trace, or a
 * {@link RemoteException} with the trace as text), naming worker, pid and item. A worker that
 * dies (killed, {@code System.exit}, out of memory) fails the calls it held within a second with a
 * {@link WorkerDiedException} naming it, its pid and its exit code or signal; the pool starts a
 * replacement. The same happens to a worker that is frozen: stopped (SIGSTOP, a debugger) for over
 * a second, or, with {@link PoolBuilder#taskTimeout}, running one chunk for longer than that (see
 * {@code WorkerWatch}). If an {@code initializer} fails, the pool cannot work: the constructor (or, for a
 * replacement worker, every pending and later call) throws. The pool stays usable after any task
 * failure or worker death.
 *
 * <p><b>Interrupts.</b> Interrupting a thread that waits in {@code map}, {@code apply},
 * {@code AsyncResult.get} or an {@code imap} iterator (JJava's "interrupt kernel" does exactly
 * that) returns within about a second with a {@link PoolInterruptedException}: the call's pending
 * chunks are dropped, running ones get half a second to finish, then their workers are
 * killed and replaced. The interrupt flag stays set; the pool stays usable.
 *
 * <p><b>Ending: a difference from Python.</b> {@link #close()} (and so try-with-resources) stops
 * new submissions, <em>waits for all submitted work</em> and then stops the workers; Python's
 * {@code with Pool() as p:} instead calls {@code terminate()} on exit, which would silently drop
 * the results of {@code mapAsync}/{@code applyAsync} calls still running. {@link #terminate()}
 * stops at once: pending calls fail, workers are killed. {@link #join()} waits until every worker
 * process has ended (after close or terminate). Workers also end when this JVM ends, however it
 * ends.
 *
 * <p><b>Observation.</b> {@link #timeline()} lists every chunk with its worker and start/end
 * times (a Gantt chart); a {@link ProgressListener.Factory} installed with
 * {@link #setProgressListenerFactory} gets done/total counts of each call, a few per second.
 */
public final class Pool implements AutoCloseable, java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private static final AtomicInteger POOLS = new AtomicInteger();
    private static volatile ProgressListener.Factory progressFactory;

    private final String name;
    private final int processes;
    private final transient Starter starter;
    private final Instant created = Instant.now();
    /** The calls and their chunks. */
    private final transient JobBook book;
    /** The workers that run the chunks. */
    private final transient WorkerBackend workers;
    /** Runs the callbacks of async calls (Python's result-handler thread). */
    private final transient ResultHandler results;
    /** Null in the pool itself; in a worker's copy of it, the pool it copies (and book, workers, results are null). */
    private final transient PoolCopy original;

    /** A pool with one worker per available processor. */
    public Pool() {
        this(builder());
    }

    /** A pool with {@code processes} workers. */
    public Pool(final int processes) {
        this(builder().processes(processes));
    }

    /** A pool whose workers each run {@code initializer} once before their first task. */
    public Pool(final int processes, final Task initializer) {
        this(builder().processes(processes).initializer(initializer));
    }

    /**
     * @param maxTasksPerChild replace a worker after it ran this many chunks; 0 for never
     */
    public Pool(final int processes, final Task initializer, final int maxTasksPerChild) {
        this(builder().processes(processes).initializer(initializer).maxTasksPerChild(maxTasksPerChild));
    }

    /** Options by name: {@code Pool.builder().processes(4).maxTasksPerChild(100).build()}. */
    public static PoolBuilder builder() {
        return new PoolBuilder();
    }

    Pool(final PoolBuilder b) {
        this.name = b.name != null ? b.name : "Pool-" + POOLS.incrementAndGet();
        ChunkRunner runner = b.cluster == null ? null : b.cluster.open(name);
        this.processes = runner != null && !b.processesGiven ? Math.max(1, runner.slots()) : b.processes;
        this.original = null;
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        ClassLoader contextLoader = cl != null ? cl : ClassLoader.getSystemClassLoader();
        this.book = new JobBook(name, created, contextLoader);
        this.results = new ResultHandler(name);
        byte[] init = new byte[0];
        ClassShipper initClasses = null;
        if (b.initializer != null) {
            TaskPayload p = book.prepare(b.initializer, name + "-initializer");
            init = p.encode();
            initClasses = p.shipper();
        }
        this.starter = b.startMethod == null ? Starters.current() : Starters.forContext(b.startMethod);
        this.workers = runner != null ? new RunnerWorkers(book, runner, b.processesGiven ? processes : 0, init, initClasses)
                : new LocalWorkers(book, processes, b.maxTasksPerChild, contextLoader, init, initClasses,
                        b.taskTimeout, starter);
        book.attach(workers);
        try {
            workers.start();
        } catch (InterruptedException e) {
            terminate();
            Thread.currentThread().interrupt();
            throw new PoolInterruptedException("interrupted while " + name + " started its workers; they were stopped", e);
        } catch (RuntimeException | Error e) {
            terminate();
            throw e;
        }
        if (runner == null && !starter.startsFresh()) {
            PoolStandbys.keep(starter, contextLoader, processes); // the next pool starts warm too (prestart)
        }
    }

    // ------------------------------------------------------------------ public API: calls

    /** {@code fn} applied to every item, results in input order; chunk size by Python's rule. */
    public <T, R> List<R> map(final SerializableFunction<? super T, ? extends R> fn, final Iterable<? extends T> items) {
        return map(fn, items, 0);
    }

    /** Like {@link #map(SerializableFunction, Iterable)} with a given chunk size (0: default). */
    public <T, R> List<R> map(final SerializableFunction<? super T, ? extends R> fn, final Iterable<? extends T> items,
            final int chunksize) {
        return this.<T, R>mapAsync(fn, items, chunksize, "map").get();
    }

    /** {@code map} without waiting. */
    public <T, R> AsyncResult<List<R>> mapAsync(final SerializableFunction<? super T, ? extends R> fn,
            final Iterable<? extends T> items) {
        return mapAsync(fn, items, 0);
    }

    /** {@code map} without waiting, with a given chunk size (0: default). */
    public <T, R> AsyncResult<List<R>> mapAsync(final SerializableFunction<? super T, ? extends R> fn,
            final Iterable<? extends T> items, final int chunksize) {
        return mapAsync(fn, items, chunksize, "mapAsync");
    }

    /**
     * {@code mapAsync} whose {@code callback} gets the results, or {@code errorCallback} the
     * failure (either may be null), in this process on the pool's result-handler thread, in the
     * order calls finish; {@code get()} returns once the callback has run, as in Python.
     */
    public <T, R> AsyncResult<List<R>> mapAsync(final SerializableFunction<? super T, ? extends R> fn,
            final Iterable<? extends T> items, final Consumer<? super List<R>> callback,
            final Consumer<? super Throwable> errorCallback) {
        Job job = this.<T, R>mapAsync(fn, items, 0, "mapAsync").job();
        return new AsyncResult<>(job, job::orderedResults, results, callback, errorCallback);
    }

    private <T, R> AsyncResult<List<R>> mapAsync(final SerializableFunction<? super T, ? extends R> fn,
            final Iterable<? extends T> items, final int chunksize, final String label) {
        usableHere();
        CallArguments.given(fn, "fn", label);
        List<Object> list = CallArguments.toList(items, label);
        Job job = book.submit(label, fn, list, CallArguments.chunksize(chunksize, defaultChunksize(list.size())));
        return new AsyncResult<>(job, job::orderedResults);
    }

    /**
     * {@code fn(a, b)} for every pair, in input order (Python's {@code starmap} for two
     * arguments): {@code pool.starmap((a, b) -> a * b, List.of(Map.entry(2, 3), Map.entry(4, 5)))}.
     */
    public <A, B, R> List<R> starmap(final SerializableBiFunction<? super A, ? super B, ? extends R> fn,
            final Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs) {
        return starmap(fn, pairs, 0);
    }

    /** {@code starmap} with a given chunk size (0: default). */
    public <A, B, R> List<R> starmap(final SerializableBiFunction<? super A, ? super B, ? extends R> fn,
            final Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs, final int chunksize) {
        return this.<A, B, R>starmapAsync(fn, pairs, chunksize).get();
    }

    /** {@code starmap} without waiting. */
    public <A, B, R> AsyncResult<List<R>> starmapAsync(final SerializableBiFunction<? super A, ? super B, ? extends R> fn,
            final Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs, final int chunksize) {
        usableHere();
        CallArguments.given(fn, "fn", "starmap");
        int size = CallArguments.chunksize(chunksize, 0);
        List<Object> args = CallArguments.pairs(pairs, "starmap");
        Job job = book.submit("starmap", CallArguments.Star.of(fn), args, size > 0 ? size : defaultChunksize(args.size()));
        return new AsyncResult<>(job, job::orderedResults);
    }

    /** {@code starmapAsync} with a callback and an error callback, as {@code mapAsync} takes them. */
    public <A, B, R> AsyncResult<List<R>> starmapAsync(final SerializableBiFunction<? super A, ? super B, ? extends R> fn,
            final Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs, final int chunksize,
            final Consumer<? super List<R>> callback, final Consumer<? super Throwable> errorCallback) {
        Job job = this.<A, B, R>starmapAsync(fn, pairs, chunksize).job();
        return new AsyncResult<>(job, job::orderedResults, results, callback, errorCallback);
    }

    /**
     * {@code fn(args...)} for every argument list, in input order: Python's {@code starmap} for
     * any number of arguments, e.g. {@code pool.starmap(a -> (int) a[0] + (int) a[1] + (int) a[2],
     * List.of(List.of(1, 2, 3), List.of(4, 5, 6)))}.
     */
    public <R> List<R> starmap(final SerializableArgsFunction<? extends R> fn, final Iterable<? extends List<?>> argLists) {
        usableHere();
        CallArguments.given(fn, "fn", "starmap");
        List<Object> args = CallArguments.argLists(argLists, "starmap");
        Job job = book.submit("starmap", new CallArguments.Spread(fn), args, defaultChunksize(args.size()));
        return job.orderedResults();
    }

    /** {@code fn(arg)} in a worker; waits for the result. */
    public <T, R> R apply(final SerializableFunction<? super T, ? extends R> fn, final T arg) {
        return applyAsync(fn, arg).get();
    }

    /** {@code fn(arg)} in a worker, without waiting. */
    public <T, R> AsyncResult<R> applyAsync(final SerializableFunction<? super T, ? extends R> fn, final T arg) {
        return applyAsync(fn, arg, null, null);
    }

    /** {@code applyAsync} with a callback and an error callback, as {@code mapAsync} takes them. */
    public <T, R> AsyncResult<R> applyAsync(final SerializableFunction<? super T, ? extends R> fn, final T arg,
            final Consumer<? super R> callback, final Consumer<? super Throwable> errorCallback) {
        usableHere();
        CallArguments.given(fn, "fn", "apply");
        List<Object> one = new ArrayList<>(1);
        one.add(arg);
        Job job = book.submit("apply", fn, one, 1);
        Supplier<R> value = () -> {
            @SuppressWarnings("unchecked")
            R r = (R) job.orderedResults().get(0);
            return r;
        };
        if (callback == null && errorCallback == null) {
            return new AsyncResult<>(job, value);
        }
        return new AsyncResult<>(job, value, results, callback, errorCallback);
    }

    /** Results in input order, each as soon as it and those before it are done; chunk size 1. */
    public <T, R> ResultIterator<R> imap(final SerializableFunction<? super T, ? extends R> fn,
            final Iterable<? extends T> items) {
        return imap(fn, items, 1);
    }

    /** {@code imap} with a given chunk size (0: 1). */
    public <T, R> ResultIterator<R> imap(final SerializableFunction<? super T, ? extends R> fn,
            final Iterable<? extends T> items, final int chunksize) {
        usableHere();
        CallArguments.given(fn, "fn", "imap");
        CallArguments.Prefix read = CallArguments.toPrefix(items, "imap");
        return new ResultIterator<>(book.submit("imap", fn, read.items(), CallArguments.chunksize(chunksize, 1)), true,
                read.failure());
    }

    /** Results in the order they complete; chunk size 1. */
    public <T, R> ResultIterator<R> imapUnordered(final SerializableFunction<? super T, ? extends R> fn,
            final Iterable<? extends T> items) {
        return imapUnordered(fn, items, 1);
    }

    /** {@code imapUnordered} with a given chunk size (0: 1). */
    public <T, R> ResultIterator<R> imapUnordered(final SerializableFunction<? super T, ? extends R> fn,
            final Iterable<? extends T> items, final int chunksize) {
        usableHere();
        CallArguments.given(fn, "fn", "imapUnordered");
        CallArguments.Prefix read = CallArguments.toPrefix(items, "imapUnordered");
        return new ResultIterator<>(book.submit("imapUnordered", fn, read.items(), CallArguments.chunksize(chunksize, 1)), false,
                read.failure());
    }

    /** Python's default: {@code ceil(n / (4 * processes))}, 0 for no items. */
    public int defaultChunksize(final int n) {
        return n == 0 ? 0 : (n + 4 * processes - 1) / (4 * processes);
    }

    // ------------------------------------------------------------------ public API: lifecycle

    /**
     * Accepts no more work, waits for all submitted work to finish, then stops the workers and
     * waits until they have ended. Interrupted, it terminates the pool and throws
     * {@link PoolInterruptedException}. Unlike Python's context manager, which terminates.
     */
    @Override
    public void close() {
        usableHere();
        for (Job j : book.close()) {
            try {
                j.finished.get();
            } catch (InterruptedException e) {
                terminate();
                Thread.currentThread().interrupt();
                throw new PoolInterruptedException("interrupted while " + name
                        + " waited for its work to finish; the pool was terminated", e);
            } catch (ExecutionException e) {
                // the caller of that call sees it
            }
        }
        workers.stop(false);
        try {
            results.shutdown(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PoolInterruptedException("interrupted while " + name + " waited for its callbacks", e);
        }
    }

    /** Stops at once: pending and running calls fail, workers are killed. */
    public void terminate() {
        usableHere();
        for (Job j : book.terminate()) {
            j.reportProgress();
        }
        workers.stop(true);
        try {
            results.shutdown(false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until every worker process of the pool has ended.
     *
     * @throws IllegalStateException unless {@code close()} or {@code terminate()} came first
     */
    public void join() {
        usableHere();
        synchronized (book.lock) {
            if (book.stateLocked() == JobBook.State.RUN) {
                throw new IllegalStateException(name + " is still running: call close() or terminate() before join()");
            }
        }
        try {
            workers.awaitEnded();
        } catch (InterruptedException e) {
            terminate();
            Thread.currentThread().interrupt();
            throw new PoolInterruptedException("interrupted in join() of " + name + "; the pool was terminated", e);
        }
    }

    /**
     * With the {@code prestart} start method, makes the starter keep {@code n} standby worker
     * JVMs (at least one) from now on, started in the background, so that the next
     * {@code new Pool(n)} only hands them their work. Every pool created under {@code prestart}
     * also asks for as many standbys as it has workers, for the next one. Standbys end with this
     * JVM; changing the start method drops them, and with any other start method this does nothing.
     */
    public static void prestart(final int n) {
        PoolStandbys.prestart(n);
    }

    /** Waits until the spares asked for by {@link #prestart} are up (for benchmarks); false after the timeout. */
    public static boolean awaitSpares(final Duration timeout) throws InterruptedException {
        return Starters.current().awaitKept(timeout.toMillis());
    }

    // ------------------------------------------------------------------ public API: observation

    public String name() {
        return name;
    }

    /** The start method of this pool's workers. */
    public String startMethod() {
        usableHere();
        return starter.name();
    }

    public int processes() {
        return processes;
    }

    /** The running workers (name and pid). */
    public List<ProcessInfo> workers() {
        usableHere();
        return workers.workers();
    }

    /** The pids of every worker JVM this pool ever started, replaced ones included. */
    public List<Long> allWorkerPids() {
        usableHere();
        return workers.allPids();
    }

    /** Every chunk run so far, in order of completion (the most recent 200 000). */
    public List<TimelineEntry> timeline() {
        usableHere();
        return book.timeline();
    }

    /** When the pool was created; timeline offsets count from here. */
    public Instant created() {
        return created;
    }

    /** Installs the factory of progress listeners for every pool call (null: none, the default). */
    public static void setProgressListenerFactory(final ProgressListener.Factory f) {
        progressFactory = f;
    }

    public static ProgressListener.Factory progressListenerFactory() {
        return progressFactory;
    }

    @Override
    public String toString() {
        if (original != null) {
            return "<Pool " + name + ", a copy of the pool in " + original.owner() + ": unusable here>";
        }
        synchronized (book.lock) {
            return "<Pool " + name + " state=" + book.stateLocked().name().toLowerCase() + " workers=" + workers.size()
                    + "/" + processes + " calls=" + book.openCallsLocked() + ">";
        }
    }

    /** What a pool becomes in another process: see {@link PoolCopy}. */
    private Object writeReplace() {
        return PoolCopy.of(this);
    }

    /** The copy of a pool that another process gets: every use throws {@link PoolCopy#unusable}. */
    Pool(final PoolCopy original) {
        this.name = original.name();
        this.processes = original.processes();
        this.original = original;
        this.book = null;
        this.workers = null;
        this.results = null;
        this.starter = null;
    }

    private void usableHere() {
        if (original != null) {
            throw original.unusable();
        }
    }
}
