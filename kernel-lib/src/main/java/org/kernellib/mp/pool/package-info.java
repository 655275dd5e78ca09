/**
 * {@link org.kernellib.mp.pool.Pool}: Python's {@code multiprocessing.Pool} for notebook cells,
 * on long-lived worker JVMs, made so that no call hangs.
 *
 * <p>Public API: {@link org.kernellib.mp.pool.Pool} (calls, lifecycle, {@code timeline()},
 * {@code prestart(n)}, the progress hook), {@link org.kernellib.mp.pool.AsyncResult},
 * {@link org.kernellib.mp.pool.ResultIterator} (what {@code imap}/{@code imapUnordered} return),
 * the function types {@link org.kernellib.mp.pool.SerializableFunction} and
 * {@link org.kernellib.mp.pool.SerializableBiFunction}, the exceptions
 * {@link org.kernellib.mp.pool.PoolException} (base), {@link org.kernellib.mp.pool.PoolTaskException}
 * (the function threw; cause and {@link org.kernellib.mp.pool.RemoteException} carry the worker's
 * trace), {@link org.kernellib.mp.pool.WorkerDiedException} and
 * {@link org.kernellib.mp.pool.PoolInterruptedException}, the records
 * {@link org.kernellib.mp.pool.TimelineEntry}, and the SPIs
 * {@link org.kernellib.mp.pool.ProgressListener} and {@link org.kernellib.mp.pool.ChunkRunner}
 * (chunks run elsewhere: {@code kernel-lib-cluster}'s nodes, which run them with
 * {@link org.kernellib.mp.pool.ChunkExecution}).
 *
 * <p>Inside, in rooms: {@code Pool} is the API only; {@code JobBook} keeps the calls
 * ({@code Job}) and their chunks ({@code Chunk}): what is queued, what came back, the timeline and
 * the pool's state; {@code CallProgress} reports a call's progress. The workers sit behind
 * {@code WorkerBackend}, the seam through which another kind of worker (a cluster node) can serve
 * the same API: {@code LocalWorkers} is the kind on this machine, worker JVMs (hand out chunks,
 * retire, handle a worker's end, stop), one {@code LocalWorker} each, started and replaced by
 * {@code LocalWorkerStarts} (through {@code start.Launcher}, like any process), whose frames
 * {@code ResultReader} takes, and {@code RunnerWorkers}, which hands chunks to a
 * {@code ChunkRunner}; {@code WorkerWatch} kills a worker that is stopped or over the task
 * timeout. {@code CallArguments} checks and adapts what a call is given.
 *
 * <p>Each local worker runs {@code PoolWorkerLoop}'s task, which takes the pool's frames
 * ({@code PoolProtocol}) from its own pipes, as a {@code Process} worker takes its lifecycle
 * frames, and runs chunks until the pool says STOP. No socket, whose set-up costs a cold JVM
 * about 30 ms. Class requests of a call's function are answered over the same pipes from the
 * call's own class shipper, so each call runs the snippet classes of its time.
 */
package org.kernellib.mp.pool;
