package org.kernellib.mp.pool;

import java.io.Serializable;

/**
 * The function a {@link Pool} applies to each item in a worker JVM. Serializable, so that a
 * lambda or method reference written in a notebook cell can be sent to a worker without a cast
 * (the compiler makes a lambda serializable exactly when its target type is); its {@code apply}
 * may throw checked exceptions, which reach the caller as a {@link PoolTaskException}.
 *
 * <p>It deliberately does not extend {@link java.util.function.Function}, whose {@code apply}
 * cannot throw checked exceptions.
 */
@FunctionalInterface
public interface SerializableFunction<T, R> extends Serializable {
    R apply(T item) throws Exception;
}
