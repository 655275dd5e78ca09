package org.kernellib.mp.process;

import java.io.Serializable;

/**
 * The code a {@link Process} runs in its worker JVM, Python's {@code target}.
 *
 * <p>It extends {@link Serializable} so that a lambda or method reference written in a notebook
 * cell is serializable without a cast (the compiler makes a lambda serializable exactly when its
 * target type is), and its {@code run} may throw checked exceptions, which end the worker with
 * exit code 1 and a stack trace on stderr.
 */
@FunctionalInterface
public interface Task extends Serializable {
    void run() throws Exception;
}
