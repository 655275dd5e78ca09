package org.kernellib.mp.pool;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.kernellib.mp.connection.FrameChannel;
import org.kernellib.mp.connection.ControlServer;
import org.kernellib.mp.connection.Frame;
import org.kernellib.mp.process.CurrentProcess;
import org.kernellib.mp.process.ExitCode;
import org.kernellib.mp.process.ProcessInfo;
import org.kernellib.mp.process.Task;
import org.kernellib.mp.serial.ClassShipper;
import org.kernellib.mp.serial.ObjectCodec;
import org.kernellib.mp.serial.ProcessLocal;
import org.kernellib.mp.serial.ShippingObjectInputStream;
import org.kernellib.mp.serial.TaskPayload;
import org.kernellib.mp.start.Starters;
import org.kernellib.mp.start.WorkerCommand;
import org.kernellib.mp.start.WorkerHandle;

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
 * <p>A pool cannot travel to a worker: when a function's code also reads a notebook variable
 * holding a pool (a method that calls {@code pool.map} and defines the lambda, say), the workers'
 * copy of that variable is {@code null}.
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
 * replacement. If an {@code initializer} fails, the pool cannot work: the constructor (or, for a
 * replacement worker, every pending and later call) throws. The pool stays usable after any task
 * failure or worker death.
 *
 * <p><b>Interrupts.</b> Interrupting a thread that waits in {@code map}, {@code apply},
 * {@code AsyncResult.get} or an {@code imap} iterator (JJava's "interrupt kernel" does exactly
 * that) returns within about a second with a {@link PoolInterruptedException}: the call's pending
 * chunks are dropped, running ones get {@value #GRACE_MS} ms to finish, then their workers are
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
    static final long GRACE_MS = 500;
    /** Chunks in flight per worker: 1, like Python, so a slow chunk never holds back a queued one. */
    private static final int PREFETCH = 1;
    private static final long CONNECT_TIMEOUT_MS = 60_000;
    private static final long PROGRESS_INTERVAL_NANOS = 250_000_000L;
    private static final int TIMELINE_CAP = 200_000;
    private static final AtomicInteger POOLS = new AtomicInteger();
    private static final AtomicInteger WORKERS = new AtomicInteger();
    private static volatile ProgressListener.Factory progressFactory;

    private enum State { RUN, CLOSED, TERMINATED }

    private final String name;
    private final int processes;
    private final int maxTasksPerChild;
    private final Instant created = Instant.now();
    private final ClassLoader contextLoader;
    private final byte[] initializer;
    private final ClassShipper initializerClasses;

    private final Object lock = new Object();
    private final List<Slot> slots = new ArrayList<>();
    private final List<WorkerHandle> everyWorker = new CopyOnWriteArrayList<>();
    private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
    private final Map<Integer, Job> jobs = new LinkedHashMap<>();
    private final ArrayDeque<TimelineEntry> timeline = new ArrayDeque<>();
    private final AtomicInteger jobIds = new AtomicInteger();
    private State state = State.RUN;
    private int starting;
    private volatile PoolException broken;
    private volatile WorkerCommand lastCommand;

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
    public static Builder builder() {
        return new Builder();
    }

    /** Options of a pool. */
    public static final class Builder {
        private int processes = Runtime.getRuntime().availableProcessors();
        private Task initializer;
        private int maxTasksPerChild;
        private String name;

        /** Number of workers (default: {@code Runtime.availableProcessors()}). */
        public Builder processes(final int n) {
            if (n < 1) {
                throw new IllegalArgumentException("processes must be at least 1, not " + n);
            }
            this.processes = n;
            return this;
        }

        /** Runs once in each worker, before its first task (null: none). */
        public Builder initializer(final Task t) {
            this.initializer = t;
            return this;
        }

        /** Replace a worker after this many chunks (0: never, the default). */
        public Builder maxTasksPerChild(final int n) {
            if (n < 0) {
                throw new IllegalArgumentException("maxTasksPerChild must be 0 (unlimited) or positive, not " + n);
            }
            this.maxTasksPerChild = n;
            return this;
        }

        /** Name of the pool, for messages and progress (default {@code Pool-N}). */
        public Builder name(final String n) {
            this.name = n;
            return this;
        }

        public Pool build() {
            return new Pool(this);
        }
    }

    private Pool(final Builder b) {
        this.name = b.name != null ? b.name : "Pool-" + POOLS.incrementAndGet();
        this.processes = b.processes;
        this.maxTasksPerChild = b.maxTasksPerChild;
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        this.contextLoader = cl != null ? cl : ClassLoader.getSystemClassLoader();
        if (b.initializer != null) {
            TaskPayload p = prepare(b.initializer, name + "-initializer");
            this.initializer = p.encode();
            this.initializerClasses = p.shipper();
        } else {
            this.initializer = new byte[0];
            this.initializerClasses = null;
        }
        // All workers start in parallel; the constructor returns when each has run the initializer.
        List<CompletableFuture<Slot>> started = new ArrayList<>();
        synchronized (lock) {
            starting += processes;
        }
        for (int i = 0; i < processes; i++) {
            CompletableFuture<Slot> f = new CompletableFuture<>();
            started.add(f);
            thread("kernel-lib-pool-start", () -> {
                try {
                    f.complete(startWorker());
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            });
        }
        Throwable failure = null;
        for (CompletableFuture<Slot> f : started) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure != null ? failure : e;
            } catch (ExecutionException e) {
                failure = failure != null ? failure : e.getCause();
            }
        }
        if (failure == null && lastCommand != null) {
            PoolSpares.refill(lastCommand, processes); // the next pool starts warm too (prestart only)
        }
        if (failure != null) {
            terminate();
            if (failure instanceof InterruptedException) {
                throw new PoolInterruptedException("interrupted while " + name + " started its workers; they were stopped",
                        failure);
            }
            if (failure instanceof PoolException) {
                throw (PoolException) failure;
            }
            throw new PoolException("cannot start " + name + ": " + failure, failure);
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

    private <T, R> AsyncResult<List<R>> mapAsync(final SerializableFunction<? super T, ? extends R> fn,
            final Iterable<? extends T> items, final int chunksize, final String label) {
        List<Object> list = toList(items);
        Job job = submit(label, fn, list, chunksize > 0 ? chunksize : defaultChunksize(list.size()));
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
        List<Object> args = new ArrayList<>();
        for (Map.Entry<? extends A, ? extends B> e : pairs) {
            args.add(new Object[] {e.getKey(), e.getValue()});
        }
        Job job = submit("starmap", Star.of(fn), args, chunksize > 0 ? chunksize : defaultChunksize(args.size()));
        return new AsyncResult<>(job, job::orderedResults);
    }

    /**
     * {@code fn(args...)} for every argument list, in input order: Python's {@code starmap} for
     * any number of arguments, e.g. {@code pool.starmap(a -> (int) a[0] + (int) a[1] + (int) a[2],
     * List.of(List.of(1, 2, 3), List.of(4, 5, 6)))}.
     */
    public <R> List<R> starmap(final SerializableArgsFunction<? extends R> fn, final Iterable<? extends List<?>> argLists) {
        List<Object> args = new ArrayList<>();
        for (List<?> l : argLists) {
            args.add(l.toArray());
        }
        Job job = submit("starmap", new Spread(fn), args, defaultChunksize(args.size()));
        return job.orderedResults();
    }

    /** {@code fn(arg)} in a worker; waits for the result. */
    public <T, R> R apply(final SerializableFunction<? super T, ? extends R> fn, final T arg) {
        return applyAsync(fn, arg).get();
    }

    /** {@code fn(arg)} in a worker, without waiting. */
    public <T, R> AsyncResult<R> applyAsync(final SerializableFunction<? super T, ? extends R> fn, final T arg) {
        List<Object> one = new ArrayList<>(1);
        one.add(arg);
        Job job = submit("apply", fn, one, 1);
        return new AsyncResult<>(job, () -> {
            @SuppressWarnings("unchecked")
            R r = (R) job.orderedResults().get(0);
            return r;
        });
    }

    /** Results in input order, each as soon as it and those before it are done; chunk size 1. */
    public <T, R> ResultIterator<R> imap(final SerializableFunction<? super T, ? extends R> fn,
            final Iterable<? extends T> items) {
        return imap(fn, items, 1);
    }

    /** {@code imap} with a given chunk size. */
    public <T, R> ResultIterator<R> imap(final SerializableFunction<? super T, ? extends R> fn,
            final Iterable<? extends T> items, final int chunksize) {
        List<Object> list = toList(items);
        return new ResultIterator<>(submit("imap", fn, list, Math.max(1, chunksize)), true);
    }

    /** Results in the order they complete; chunk size 1. */
    public <T, R> ResultIterator<R> imapUnordered(final SerializableFunction<? super T, ? extends R> fn,
            final Iterable<? extends T> items) {
        return imapUnordered(fn, items, 1);
    }

    /** {@code imapUnordered} with a given chunk size. */
    public <T, R> ResultIterator<R> imapUnordered(final SerializableFunction<? super T, ? extends R> fn,
            final Iterable<? extends T> items, final int chunksize) {
        List<Object> list = toList(items);
        return new ResultIterator<>(submit("imapUnordered", fn, list, Math.max(1, chunksize)), false);
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
        List<Job> pending;
        synchronized (lock) {
            if (state == State.RUN) {
                state = State.CLOSED;
            }
            pending = new ArrayList<>(jobs.values());
        }
        for (Job j : pending) {
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
        stopWorkers(false);
    }

    /** Stops at once: pending and running calls fail, workers are killed. */
    public void terminate() {
        List<Job> failed;
        synchronized (lock) {
            state = State.TERMINATED;
            failed = new ArrayList<>(jobs.values());
            PoolException ex = new PoolException(name + " was terminated");
            for (Job j : failed) {
                failLocked(j, ex);
            }
            queue.clear();
        }
        for (Job j : failed) {
            j.reportProgress();
        }
        stopWorkers(true);
    }

    /**
     * Waits until every worker process of the pool has ended.
     *
     * @throws IllegalStateException unless {@code close()} or {@code terminate()} came first
     */
    public void join() {
        synchronized (lock) {
            if (state == State.RUN) {
                throw new IllegalStateException(name + " is still running: call close() or terminate() before join()");
            }
        }
        try {
            while (true) {
                synchronized (lock) {
                    if (starting == 0) {
                        break;
                    }
                    lock.wait(50);
                }
            }
            for (WorkerHandle h : everyWorker) {
                h.awaitExit();
            }
        } catch (InterruptedException e) {
            terminate();
            Thread.currentThread().interrupt();
            throw new PoolInterruptedException("interrupted in join() of " + name + "; the pool was terminated", e);
        }
    }

    /**
     * With the {@code prestart} start method, starts {@code n} spare worker JVMs now, in the
     * background, so that the next {@code new Pool(n)} only hands them their work: the pool
     * counterpart of the starter's single standby. Every pool created under {@code prestart} also
     * refills the spares to its size for the next one. Spares end with this JVM; with any other
     * start method this drops them.
     */
    public static void prestart(final int n) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        WorkerCommand c = WorkerCommand.forLoaders(List.of(cl != null ? cl : ClassLoader.getSystemClassLoader(),
                Pool.class.getClassLoader()));
        PoolSpares.refill(c, n);
    }

    /** Waits until the spares asked for by {@link #prestart} are up (for benchmarks); false after the timeout. */
    public static boolean awaitSpares(final Duration timeout) throws InterruptedException {
        return PoolSpares.await(timeout.toMillis());
    }

    // ------------------------------------------------------------------ public API: observation

    public String name() {
        return name;
    }

    public int processes() {
        return processes;
    }

    /** The running workers (name and pid). */
    public List<ProcessInfo> workers() {
        synchronized (lock) {
            List<ProcessInfo> r = new ArrayList<>();
            for (Slot s : slots) {
                r.add(new ProcessInfo(s.name, s.pid, true));
            }
            return r;
        }
    }

    /** The pids of every worker JVM this pool ever started, replaced ones included. */
    public List<Long> allWorkerPids() {
        List<Long> r = new ArrayList<>();
        for (WorkerHandle h : everyWorker) {
            r.add(h.pid());
        }
        return r;
    }

    /** Every chunk run so far, in order of completion (the most recent {@value #TIMELINE_CAP}). */
    public List<TimelineEntry> timeline() {
        synchronized (lock) {
            return List.copyOf(timeline);
        }
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
        synchronized (lock) {
            return "<Pool " + name + " state=" + state.name().toLowerCase() + " workers=" + slots.size() + "/" + processes
                    + " calls=" + jobs.size() + ">";
        }
    }

    /** What a pool becomes when a snapshot of notebook variables includes it: null in the worker. */
    private Object writeReplace() {
        return new Detached(name);
    }

    private record Detached(String name) implements java.io.Serializable, ProcessLocal {
        @Override
        public String typeName() {
            return Pool.class.getName();
        }

        private Object readResolve() {
            return null;
        }
    }

    // ------------------------------------------------------------------ submission

    private static List<Object> toList(final Iterable<?> items) {
        Objects.requireNonNull(items, "items");
        List<Object> list = items instanceof Collection ? new ArrayList<>(((Collection<?>) items).size()) : new ArrayList<>();
        for (Object o : items) {
            list.add(o);
        }
        return list;
    }

    private TaskPayload prepare(final java.io.Serializable fn, final String taskName) {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        try {
            return TaskPayload.prepare(fn, taskName, true, CurrentProcess.get().name(),
                    loaders -> WorkerCommand.forLoaders(loaders).userClassPath());
        } catch (IllegalArgumentException e) {
            throw new PoolException("cannot send the function to the workers of " + name + ": " + e.getMessage(), e);
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
    }

    private Job submit(final String label, final java.io.Serializable fn, final List<Object> items, final int chunksize) {
        Objects.requireNonNull(fn, "function");
        checkUsable();
        int id = jobIds.incrementAndGet();
        TaskPayload p = prepare(fn, name + "#" + id);
        ClassLoader resultLoader = fn.getClass().getClassLoader();
        if (resultLoader == null) {
            resultLoader = contextLoader;
        }
        int n = items.size();
        int size = Math.max(1, chunksize);
        int count = (n + size - 1) / size;
        Job job = new Job(this, id, label, p.encode(), p.shipper(), resultLoader, n, count);
        for (int c = 0; c < count; c++) {
            int first = c * size;
            int last = Math.min(n, first + size);
            Object[] slice = items.subList(first, last).toArray();
            byte[] bytes;
            try {
                bytes = PoolCodec.encode(slice);
            } catch (IOException | RuntimeException e) {
                throw new PoolException(describeUnserializable(slice, first, e), e);
            }
            ByteArrayOutputStream bos = new ByteArrayOutputStream(bytes.length + 8);
            try (DataOutputStream d = new DataOutputStream(bos)) {
                d.writeInt(c);
                d.writeInt(first);
                d.write(bytes);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            job.chunks[c] = new Chunk(job, c, first, last - first, bos.toByteArray());
        }
        ProgressListener.Factory f = progressFactory;
        if (f != null && !"apply".equals(label) && n > 0) {
            try {
                job.progress = f.create(name, label, n);
            } catch (RuntimeException e) {
                job.progress = null; // a broken display must not break the call
            }
        }
        synchronized (lock) {
            checkUsable();
            jobs.put(id, job);
            if (count == 0) {
                finishLocked(job, null);
            } else {
                Collections.addAll(queue, job.chunks);
                replaceLocked(); // if earlier starts failed, the pool tries again now rather than wait forever
                dispatchLocked();
            }
        }
        job.reportProgress();
        return job;
    }

    private static String describeUnserializable(final Object[] slice, final int first, final Exception e) {
        for (int i = 0; i < slice.length; i++) {
            try {
                PoolProtocol.serialize(slice[i]);
            } catch (IOException | RuntimeException failure) {
                return ObjectCodec.cannotCopy("pool item #" + (first + i), slice[i], failure).getMessage();
            }
        }
        return "the items cannot be sent to a worker: " + e;
    }

    private void checkUsable() {
        synchronized (lock) {
            if (state != State.RUN) {
                throw new IllegalStateException(name + " is " + (state == State.CLOSED ? "closed" : "terminated")
                        + ": it takes no more work");
            }
            if (broken != null) {
                throw broken;
            }
        }
    }

    // ------------------------------------------------------------------ scheduling (under lock)

    private void dispatchLocked() {
        for (int target = 1; target <= PREFETCH; target++) {
            for (Slot s : new ArrayList<>(slots)) { // a copy: retiring removes from slots
                if (queue.isEmpty()) {
                    return;
                }
                if (s.retiring || s.closing || s.inflight.size() >= target) {
                    continue;
                }
                if (maxTasksPerChild > 0 && s.sent >= maxTasksPerChild) {
                    s.retiring = true;
                    retireIfIdleLocked(s);
                    continue;
                }
                Chunk c = queue.poll();
                while (c != null && c.job.finished.isDone()) {
                    c = queue.poll();
                }
                if (c == null) {
                    return;
                }
                try {
                    if (s.jobsSent.add(c.job.id)) {
                        s.connection.send(PoolProtocol.JOB, c.job.id, c.job.payload);
                    }
                    s.connection.send(PoolProtocol.CHUNK, c.job.id, c.bytes);
                } catch (IOException e) {
                    // The worker is going; its reader reports how. The chunk waits for another.
                    queue.addFirst(c);
                    s.retiring = true;
                    continue;
                }
                s.inflight.add(c);
                s.sent++;
            }
        }
    }

    private void retireIfIdleLocked(final Slot s) {
        if (s.retiring && s.inflight.isEmpty() && !s.closing) {
            s.closing = true;
            slots.remove(s);
            s.connection.close(); // the worker ends its loop and exits
            replaceLocked();
        }
    }

    private void replaceLocked() {
        replaceLocked(0);
    }

    /** Starts a worker if the pool is short of one; retries a failed start a few times, a second apart. */
    private void replaceLocked(final int attempt) {
        if (state == State.TERMINATED || broken != null || (state == State.CLOSED && jobs.isEmpty())) {
            return;
        }
        if (slots.size() + starting >= processes) {
            return;
        }
        starting++;
        thread("kernel-lib-pool-replace", () -> {
            try {
                startWorker();
            } catch (Throwable e) {
                List<Job> failed = new ArrayList<>();
                if (attempt < 3 && broken == null) {
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException ignored) {
                        // daemon thread: just go on
                    }
                    synchronized (lock) {
                        if (!slots.isEmpty()) {
                            replaceLocked(attempt + 1);
                            return;
                        }
                    }
                }
                synchronized (lock) {
                    if (slots.isEmpty() && starting == 0 && state != State.TERMINATED) {
                        PoolException ex = e instanceof PoolException ? (PoolException) e
                                : new PoolException(name + " could not start a replacement worker: " + e, e);
                        failed.addAll(jobs.values());
                        for (Job j : failed) {
                            failLocked(j, ex);
                        }
                    }
                }
                for (Job j : failed) {
                    j.reportProgress();
                }
            }
        });
    }

    private void failLocked(final Job job, final PoolException ex) {
        if (job.finished.isDone()) {
            return;
        }
        queue.removeIf(c -> c.job == job);
        for (Slot s : slots) {
            for (Chunk c : s.inflight) {
                if (c.job == job) {
                    try {
                        s.connection.send(PoolProtocol.CANCEL, job.id, new byte[0]);
                    } catch (IOException e) {
                        // going anyway
                    }
                    break;
                }
            }
        }
        job.arrivals.add(ex);
        finishLocked(job, ex);
    }

    private void finishLocked(final Job job, final PoolException ex) {
        jobs.remove(job.id);
        for (Slot s : slots) {
            if (s.jobsSent.remove(job.id)) {
                try {
                    s.connection.send(PoolProtocol.FORGET, job.id, new byte[0]);
                } catch (IOException e) {
                    // going anyway
                }
            }
        }
        if (ex == null) {
            job.finished.complete(null);
        } else {
            job.finished.completeExceptionally(ex);
        }
        lock.notifyAll();
        if (state == State.CLOSED && jobs.isEmpty()) {
            lock.notifyAll();
        }
    }

    /** Fails a call and, if asked, kills the workers still running its chunks after a grace. */
    void cancel(final Job job, final PoolException ex, final boolean killRunning) {
        synchronized (lock) {
            failLocked(job, ex);
        }
        job.reportProgress();
        if (!killRunning) {
            return;
        }
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MS);
        synchronized (lock) {
            while (true) {
                List<Slot> holding = new ArrayList<>();
                for (Slot s : slots) {
                    for (Chunk c : s.inflight) {
                        if (c.job == job) {
                            holding.add(s);
                            break;
                        }
                    }
                }
                long left = end - System.nanoTime();
                if (holding.isEmpty()) {
                    return;
                }
                if (left <= 0) {
                    for (Slot s : holding) {
                        s.killedByPool = true;
                        s.handle.signal(9);
                    }
                    return;
                }
                try {
                    lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    end = 0;
                }
            }
        }
    }

    /** The thread waiting for {@code job} was interrupted: cancel the call and report it. */
    void cancelAfterInterrupt(final Job job, final InterruptedException e) {
        cancel(job, new PoolException("pool call #" + job.id + " (" + job.label + ") was cancelled by an interrupt"), true);
        Thread.currentThread().interrupt();
        throw new PoolInterruptedException("interrupted while waiting for pool call #" + job.id + " (" + job.label
                + ") of " + name + "; the call was cancelled", e);
    }

    // ------------------------------------------------------------------ workers

    private Slot startWorker() throws IOException, InterruptedException {
        String wname = "PoolWorker-" + WORKERS.incrementAndGet();
        ControlServer server = ControlServer.get();
        String token = server.newToken();
        CompletableFuture<ControlServer.Hello> hello = server.expect(token);
        WorkerCommand[] command = new WorkerCommand[1];
        Thread.currentThread().setContextClassLoader(contextLoader);
        TaskPayload p;
        WorkerHandle h;
        try {
            p = TaskPayload.prepare(PoolWorkerLoop.task(server.path().toString(), token), wname, true,
                    CurrentProcess.get().name(), loaders -> {
                        command[0] = WorkerCommand.forLoaders(loaders);
                        return command[0].userClassPath();
                    });
            h = PoolSpares.take(command[0]);
            if (h == null) {
                h = Starters.current().acquire(command[0]);
            }
            lastCommand = command[0];
        } catch (IOException | RuntimeException e) {
            server.forget(token);
            synchronized (lock) {
                starting--;
                lock.notifyAll();
            }
            throw e;
        }
        everyWorker.add(h);
        Slot s = null;
        try {
            h.sendTask(p.encode(), p.shipper());
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONNECT_TIMEOUT_MS);
            ControlServer.Hello hi = null;
            while (hi == null && h.isAlive() && System.nanoTime() < end) {
                try {
                    hi = hello.get(20, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    // keep waiting while the JVM lives
                } catch (ExecutionException e) {
                    break;
                }
            }
            if (hi == null || hi.pid() != h.pid()) {
                server.forget(token);
                h.signal(9);
                throw new IOException("pool worker " + wname + " (pid " + h.pid() + ") "
                        + (h.isAlive() ? "did not connect in time" : "ended before connecting")
                        + " (its stderr, if any, is above)");
            }
            s = new Slot(wname, h, hi.connection());
            Slot slot = s;
            thread("kernel-lib-pool-" + wname, () -> readLoop(slot));
            s.connection.send(PoolProtocol.INIT, 0, initializer);
            try {
                s.ready.get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof PoolException && s.initFailed) {
                    synchronized (lock) {
                        broken = (PoolException) cause;
                    }
                }
                if (cause instanceof PoolException) {
                    throw (PoolException) cause;
                }
                throw cause instanceof IOException ? (IOException) cause : new IOException(cause);
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (s != null) {
                s.closing = true;
                s.connection.close();
            }
            h.signal(9);
            synchronized (lock) {
                starting--;
                lock.notifyAll();
            }
            throw e;
        }
        synchronized (lock) {
            starting--;
            lock.notifyAll();
            if (state == State.TERMINATED || (state == State.CLOSED && jobs.isEmpty())) {
                s.closing = true;
                s.connection.close();
                if (state == State.TERMINATED) {
                    h.signal(9);
                }
            } else if (s.closing) {
                replaceLocked(); // it died between saying ready and joining
            } else {
                slots.add(s);
                dispatchLocked();
            }
        }
        return s;
    }

    private void readLoop(final Slot s) {
        try {
            Frame f;
            while ((f = s.connection.receive()) != null) {
                switch (f.type()) {
                    case PoolProtocol.INIT_OK -> s.ready.complete(null);
                    case PoolProtocol.INIT_FAILED -> {
                        DataInputStream in = new DataInputStream(PoolProtocol.tail(f.payload(), 0));
                        String cls = in.readUTF();
                        String trace = in.readUTF();
                        s.initFailed = true;
                        s.ready.completeExceptionally(new PoolException("the initializer of " + name + " failed in worker "
                                + s.name + " (pid " + s.pid + "): " + firstLine(trace),
                                new RemoteException(s.name, s.pid, cls, trace)));
                    }
                    case PoolProtocol.CLASS_REQUEST -> answerClassRequest(s, f);
                    case PoolProtocol.RESULT, PoolProtocol.ERROR, PoolProtocol.SKIPPED -> chunkDone(s, f);
                    default -> { }
                }
            }
        } catch (IOException | RuntimeException e) {
            // the worker died mid-frame, or sent garbage: handled as its end
        }
        workerEnded(s);
    }

    private void answerClassRequest(final Slot s, final Frame f) throws IOException {
        DataInputStream in = new DataInputStream(PoolProtocol.tail(f.payload(), 0));
        int jobId = in.readInt();
        String cls = in.readUTF();
        ClassShipper shipper;
        if (jobId == 0) {
            shipper = initializerClasses;
        } else {
            synchronized (lock) {
                Job j = jobs.get(jobId);
                shipper = j == null ? null : j.shipper;
            }
        }
        byte[] b = shipper == null ? null : shipper.bytesFor(cls);
        s.connection.send(PoolProtocol.CLASS_BYTES, f.requestId(), b == null ? new byte[0] : b);
    }

    private void chunkDone(final Slot s, final Frame f) throws IOException {
        DataInputStream in = new DataInputStream(PoolProtocol.tail(f.payload(), 0));
        int index = in.readInt();
        long start = in.readLong();
        long end = in.readLong();
        Job job;
        synchronized (lock) {
            job = jobs.get(f.requestId());
        }
        Object[] results = null;
        PoolException error = null;
        if (job != null && f.type() == PoolProtocol.RESULT) {
            try {
                results = PoolCodec.decode(PoolProtocol.tail(f.payload(), 20), job.resultLoader);
            } catch (IOException | ClassNotFoundException | RuntimeException e) {
                error = new PoolException("cannot read the results of chunk " + index + " of call #" + job.id
                        + " from worker " + s.name + " (pid " + s.pid + "): " + e, e);
            }
        } else if (job != null && f.type() == PoolProtocol.ERROR) {
            error = taskError(s, job, in);
        }
        synchronized (lock) {
            Chunk c = null;
            for (Iterator<Chunk> it = s.inflight.iterator(); it.hasNext();) {
                Chunk x = it.next();
                if (x.job.id == f.requestId() && x.index == index) {
                    c = x;
                    it.remove();
                    break;
                }
            }
            if (c != null && f.type() != PoolProtocol.SKIPPED) {
                if (timeline.size() >= TIMELINE_CAP) {
                    timeline.pollFirst();
                }
                Instant st = PoolProtocol.instant(start);
                Instant en = PoolProtocol.instant(end);
                timeline.add(new TimelineEntry(c.job.id, c.job.label, c.index, c.count, s.name, s.pid, st, en,
                        Duration.between(created, st), Duration.between(created, en), error == null));
            }
            if (c != null && job != null && !job.finished.isDone()) {
                if (error != null) {
                    failLocked(job, error);
                } else if (results != null) {
                    c.results = results;
                    c.bytes = null;
                    job.doneItems.addAndGet(c.count);
                    job.doneChunks++;
                    job.arrivals.add(c);
                    if (job.doneChunks == job.chunks.length) {
                        finishLocked(job, null);
                    }
                }
            }
            if (maxTasksPerChild > 0 && s.sent >= maxTasksPerChild) {
                s.retiring = true;
            }
            retireIfIdleLocked(s);
            dispatchLocked();
            lock.notifyAll();
        }
        if (job != null) {
            job.reportProgress();
        }
    }

    private PoolTaskException taskError(final Slot s, final Job job, final DataInputStream in) throws IOException {
        int item = in.readInt();
        String cls = in.readUTF();
        String message = in.readUTF();
        byte[] text = new byte[in.readInt()];
        in.readFully(text);
        byte[] copy = new byte[in.readInt()];
        in.readFully(copy);
        String trace = new String(text, StandardCharsets.UTF_8);
        RemoteException remote = new RemoteException(s.name, s.pid, cls, trace);
        Throwable cause = remote;
        if (copy.length > 0) {
            try (ObjectInputStream oin = new ShippingObjectInputStream(PoolProtocol.tail(copy, 0), job.resultLoader)) {
                Throwable original = (Throwable) oin.readObject();
                original.addSuppressed(remote);
                cause = original;
            } catch (IOException | ClassNotFoundException | RuntimeException | LinkageError e) {
                cause = remote;
            }
        }
        String where = item >= 0 ? " on item #" + item : "";
        return new PoolTaskException("task failed in worker " + s.name + " (pid " + s.pid + ")" + where + " of pool call #"
                + job.id + " (" + job.label + "): " + cls + (message.isEmpty() ? "" : ": " + message),
                cause, s.name, s.pid, item, trace);
    }

    private void workerEnded(final Slot s) {
        List<Chunk> lost;
        boolean expected;
        synchronized (lock) {
            expected = s.closing;
            s.closing = true;
            slots.remove(s);
            lost = new ArrayList<>(s.inflight);
            s.inflight.clear();
        }
        WorkerHandle h = s.handle;
        String how = "lost its connection";
        int code = Integer.MIN_VALUE;
        try {
            if (!h.awaitExit(expected ? 3000 : 300)) {
                h.signal(9);
                h.awaitExit(500);
            }
            if (!h.isAlive()) {
                code = ExitCode.decode(h.exitValue(), h.status());
                how = describeExit(code);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        s.ready.completeExceptionally(new IOException("pool worker " + s.name + " (pid " + s.pid + ") " + how
                + " before it was ready (its stderr, if any, is above)"));
        List<Job> touched = new ArrayList<>();
        synchronized (lock) {
            Set<Integer> failedJobs = new HashSet<>();
            for (Chunk c : lost) {
                if (c.job.finished.isDone()) {
                    continue;
                }
                touched.add(c.job);
                if (s.killedByPool) {
                    queue.addFirst(c);
                } else if (failedJobs.add(c.job.id)) {
                    failLocked(c.job, new WorkerDiedException("worker " + s.name + " (pid " + s.pid + ") " + how
                            + " while running chunk " + c.index + " of pool call #" + c.job.id + " (" + c.job.label
                            + "); " + name + " replaces it", s.name, s.pid, code));
                }
            }
            if (!expected || s.killedByPool) {
                replaceLocked();
            }
            dispatchLocked();
            lock.notifyAll();
        }
        for (Job j : touched) {
            j.reportProgress();
        }
        try {
            h.awaitDrained(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        h.close();
    }

    private static String describeExit(final int code) {
        if (code >= 0) {
            String more = code == 3 ? " (the worker halts with 3 after an OutOfMemoryError or another VM error)" : "";
            return "exited with code " + code + more;
        }
        int sig = -code;
        String n = switch (sig) {
            case 1 -> "SIGHUP";
            case 2 -> "SIGINT";
            case 6 -> "SIGABRT";
            case 9 -> "SIGKILL";
            case 11 -> "SIGSEGV";
            case 15 -> "SIGTERM";
            default -> "signal " + sig;
        };
        return "was killed by signal " + sig + " (" + n + "), exit code " + code;
    }

    private void stopWorkers(final boolean kill) {
        List<Slot> all;
        synchronized (lock) {
            all = new ArrayList<>(slots);
            slots.clear();
            for (Slot s : all) {
                s.closing = true;
            }
        }
        for (Slot s : all) {
            if (kill) {
                s.handle.signal(9);
            } else {
                s.connection.close();
            }
        }
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (true) {
                if (kill) {
                    for (WorkerHandle h : everyWorker) {
                        h.signal(9); // also the ones still starting, so their start threads end now
                    }
                }
                synchronized (lock) {
                    if (starting == 0 || System.nanoTime() > end) {
                        break;
                    }
                    lock.wait(20);
                }
            }
            for (WorkerHandle h : everyWorker) {
                if (!h.awaitExit(kill ? 1000 : 3000)) {
                    h.signal(9);
                    h.awaitExit(1000);
                }
            }
        } catch (InterruptedException e) {
            for (WorkerHandle h : everyWorker) {
                h.signal(9);
            }
            Thread.currentThread().interrupt();
        }
    }

    private static String firstLine(final String s) {
        int i = s.indexOf('\n');
        return (i < 0 ? s : s.substring(0, i)).trim();
    }

    private static void thread(final String threadName, final Runnable r) {
        Thread t = new Thread(r, threadName);
        t.setDaemon(true);
        t.start();
    }

    // ------------------------------------------------------------------ internal state

    /** A worker as the pool sees it. Mutable fields are guarded by the pool's lock. */
    private static final class Slot {
        final String name;
        final WorkerHandle handle;
        final FrameChannel connection;
        final long pid;
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        final List<Chunk> inflight = new ArrayList<>();
        final Set<Integer> jobsSent = new HashSet<>();
        int sent;
        boolean retiring;
        volatile boolean closing;
        volatile boolean killedByPool;
        volatile boolean initFailed;

        Slot(final String name, final WorkerHandle handle, final FrameChannel connection) {
            this.name = name;
            this.handle = handle;
            this.connection = connection;
            this.pid = handle.pid();
        }
    }

    /** Some consecutive items of one call. */
    static final class Chunk {
        final Job job;
        final int index;
        final int first;
        final int count;
        byte[] bytes;
        Object[] results;

        Chunk(final Job job, final int index, final int first, final int count, final byte[] bytes) {
            this.job = job;
            this.index = index;
            this.first = first;
            this.count = count;
            this.bytes = bytes;
        }
    }

    /** One call (map, apply, ...). */
    static final class Job {
        final Pool pool;
        final int id;
        final String label;
        final byte[] payload;
        final ClassShipper shipper;
        final ClassLoader resultLoader;
        final int total;
        final Chunk[] chunks;
        final CompletableFuture<Void> finished = new CompletableFuture<>();
        /** Completed chunks, or the exception that ended the call. */
        final LinkedBlockingQueue<Object> arrivals = new LinkedBlockingQueue<>();
        final AtomicInteger doneItems = new AtomicInteger();
        int doneChunks;
        volatile ProgressListener progress;
        private final AtomicLong lastProgress = new AtomicLong();
        private final AtomicBoolean progressEnded = new AtomicBoolean();

        Job(final Pool pool, final int id, final String label, final byte[] payload, final ClassShipper shipper,
                final ClassLoader resultLoader, final int total, final int chunkCount) {
            this.pool = pool;
            this.id = id;
            this.label = label;
            this.payload = payload;
            this.shipper = shipper;
            this.resultLoader = resultLoader;
            this.total = total;
            this.chunks = new Chunk[chunkCount];
        }

        Pool pool() {
            return pool;
        }

        /** Waits until the call finished; rethrows its failure; an interrupt cancels the call. */
        void await() {
            await(true);
        }

        void await(final boolean rethrow) {
            try {
                try {
                    finished.get();
                } finally {
                    if (finished.isDone()) {
                        reportProgress();
                    }
                }
            } catch (InterruptedException e) {
                pool.cancelAfterInterrupt(this, e);
            } catch (ExecutionException e) {
                if (rethrow) {
                    Throwable c = e.getCause();
                    throw c instanceof RuntimeException ? (RuntimeException) c : new PoolException(String.valueOf(c), c);
                }
            }
        }

        <R> List<R> orderedResults() {
            await();
            List<Object> r = new ArrayList<>(total);
            for (Chunk c : chunks) {
                Collections.addAll(r, c.results);
            }
            @SuppressWarnings("unchecked")
            List<R> typed = (List<R>) r;
            return typed;
        }

        /** Tells the listener, at most every 250 ms, and once at the end. */
        void reportProgress() {
            ProgressListener l = progress;
            if (l == null) {
                return;
            }
            try {
                if (finished.isDone()) {
                    // Whoever comes first reports the end; the waiting caller returns only after it.
                    synchronized (progressEnded) {
                        if (progressEnded.compareAndSet(false, true)) {
                            l.update(doneItems.get(), total);
                            l.finished(doneItems.get(), total, !finished.isCompletedExceptionally());
                        }
                    }
                    return;
                }
                long now = System.nanoTime();
                long last = lastProgress.get();
                if (!progressEnded.get() && now - last >= PROGRESS_INTERVAL_NANOS && lastProgress.compareAndSet(last, now)) {
                    l.update(doneItems.get(), total);
                }
            } catch (RuntimeException e) {
                progress = null; // a broken display must not break the call
            }
        }
    }

    /** Adapts an n-argument function to items that are {@code Object[n]}. */
    private record Spread(SerializableArgsFunction<?> fn) implements SerializableFunction<Object[], Object> {
        @Override
        public Object apply(final Object[] args) throws Exception {
            return fn.apply(args);
        }
    }

    /** Adapts a two-argument function to items that are {@code Object[2]}. */
    private record Star(SerializableBiFunction<Object, Object, Object> fn) implements SerializableFunction<Object[], Object> {
        @SuppressWarnings("unchecked")
        static Star of(final SerializableBiFunction<?, ?, ?> fn) {
            return new Star((SerializableBiFunction<Object, Object, Object>) fn);
        }

        @Override
        public Object apply(final Object[] args) throws Exception {
            return fn.apply(args[0], args[1]);
        }
    }
}
