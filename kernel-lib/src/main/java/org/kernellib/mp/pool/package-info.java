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
 * the same API: {@code LocalWorkers} is the kind on this machine, worker JVMs with their
 * lifecycle (start through {@code start.Launcher} like any process, hand out chunks, watch, replace,
 * reap), one {@code LocalWorker} each, whose connection {@code ResultReader} reads, and
 * {@code RunnerWorkers}, which hands chunks to a {@code ChunkRunner};
 * {@code WorkerWatch} kills a worker that is stopped or over the task timeout. {@code CallArguments}
 * checks and adapts what a call is given.
 *
 * <p>Each local worker runs {@code PoolWorkerLoop}'s task; that task connects back to the
 * parent's socket ({@code connection.ControlServer}) with a pool-only connection (see
 * {@code PoolProtocol}) and runs chunks until the pool closes it. Class requests of a call's
 * function are answered on that connection from the call's own class shipper, so each call runs
 * the snippet classes of its time.
 */
package org.kernellib.mp.pool;
