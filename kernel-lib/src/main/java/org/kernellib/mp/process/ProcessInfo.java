package org.kernellib.mp.process;

/**
 * A description of a process as seen from inside it: what {@code currentProcess()} and
 * {@code parentProcess()} return. The kernel (or any JVM that started workers) is
 * {@code MainProcess}, as in Python.
 *
 * @param name the process name, {@code MainProcess} or e.g. {@code Process-1}
 * @param pid the OS process id
 * @param daemon whether it was started as a daemon
 */
public record ProcessInfo(String name, long pid, boolean daemon) {
}
