/**
 * The user-facing process API, the counterpart of CPython's {@code multiprocessing/process.py}:
 * {@link org.kernellib.mp.process.Process} (a task in its own JVM), {@link org.kernellib.mp.process.Task}
 * (the serializable code it runs), {@link org.kernellib.mp.process.ProcessInfo} and
 * {@link org.kernellib.mp.process.CurrentProcess} (who this process is),
 * {@link org.kernellib.mp.process.ExitCode} (Python's exit codes from a JVM's exit status) and
 * {@link org.kernellib.mp.process.Children} (the started children, their reaping and clean-up).
 *
 * <p>How a start works, by package: {@code serial} turns the task and the snippet state it uses
 * into bytes; {@code start} gets a worker JVM (a fresh one, or a warm standby) and talks to it over
 * its pipes, framed as {@code connection} describes; the worker's main ({@code start.ChildMain})
 * loads snippet classes from the parent on demand, restores the copied state and runs the task.
 */
package org.kernellib.mp.process;
