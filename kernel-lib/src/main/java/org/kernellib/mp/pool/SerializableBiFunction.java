package org.kernellib.mp.pool;

import java.io.Serializable;

/** A two-argument function for {@link Pool#starmap}; see {@link SerializableFunction}. */
@FunctionalInterface
public interface SerializableBiFunction<A, B, R> extends Serializable {
    R apply(A first, B second) throws Exception;
}
