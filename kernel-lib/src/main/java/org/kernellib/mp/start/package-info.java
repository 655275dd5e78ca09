/**
 * How worker JVMs come to exist and what they run, the counterpart of CPython's
 * {@code popen_spawn_posix.py}, {@code forkserver.py} and {@code spawn.py}:
 * {@link org.kernellib.mp.start.Launcher} (the one way a worker starts with its task: a
 * {@code Process}, a pool worker and the CDS training run all start through it),
 * {@link org.kernellib.mp.start.Starter} with {@link org.kernellib.mp.start.SpawnStarter} (a cold
 * JVM per process) and {@link org.kernellib.mp.start.PrestartStarter} (warm standby JVMs, one or
 * as many as a pool asks for: the only standby mechanism),
 * {@link org.kernellib.mp.start.WorkerCommand} (java, class path, flags),
 * {@link org.kernellib.mp.start.CdsArchive} (the AppCDS archive that speeds up cold starts),
 * {@link org.kernellib.mp.start.WorkerHandle} (the parent's view of one worker: pipes, signals,
 * reaping, its decoded exit code; with {@link org.kernellib.mp.start.OutputRelay} for its pipes),
 * and, inside the worker, {@link org.kernellib.mp.start.ChildMain} (its main: the order of events),
 * {@link org.kernellib.mp.start.ParentPipes} (its end of the pipes to the parent, over which a pool
 * worker also does its work),
 * {@link org.kernellib.mp.start.WorkerWarmUp} (what it does on the side while it boots),
 * {@link org.kernellib.mp.start.WorkerClassPath} with
 * {@link org.kernellib.mp.start.ClassPathLoader} (the parent's class path in the worker).
 */
package org.kernellib.mp.start;
