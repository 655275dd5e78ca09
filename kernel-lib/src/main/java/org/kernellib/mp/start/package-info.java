/**
 * How worker JVMs come to exist and what they run, the counterpart of CPython's
 * {@code popen_spawn_posix.py}, {@code forkserver.py} and {@code spawn.py}:
 * {@link org.kernellib.mp.start.Starter} with {@link org.kernellib.mp.start.SpawnStarter} (a cold
 * JVM per process) and {@link org.kernellib.mp.start.PrestartStarter} (a warm standby JVM),
 * {@link org.kernellib.mp.start.WorkerCommand} (java, class path, flags),
 * {@link org.kernellib.mp.start.CdsArchive} (the AppCDS archive that speeds up cold starts),
 * {@link org.kernellib.mp.start.WorkerHandle} (the parent's view of one worker, with
 * {@link org.kernellib.mp.start.OutputRelay} for its pipes),
 * {@link org.kernellib.mp.start.ChildMain} (the worker's main) and
 * {@link org.kernellib.mp.start.ClassPathLoader} (the worker's loader of the parent's class path).
 */
package org.kernellib.mp.start;
