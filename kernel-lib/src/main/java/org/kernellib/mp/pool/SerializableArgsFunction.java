package org.kernellib.mp.pool;

import java.io.Serializable;

/**
 * A function of any number of arguments, for {@link Pool#starmap(SerializableArgsFunction, Iterable)}
 * (Python's {@code starmap} over tuples): {@code args -> (int) args[0] * (int) args[1]}.
 */
@FunctionalInterface
public interface SerializableArgsFunction<R> extends Serializable {
    R apply(Object... args) throws Exception;
}
