package org.kernellib.mp.shared.memory;

import java.io.ObjectStreamException;
import java.io.Serializable;

/**
 * The serialized form of a {@link SharedMemory} or a {@link ShareableList}: the block's name,
 * attached on arrival, as Python pickles them. Nothing of the block's contents travels.
 *
 * @param name the block's name in {@code /dev/shm}
 * @param list whether the block holds a {@code ShareableList}
 */
record BlockByName(String name, boolean list) implements Serializable {
    private Object readResolve() throws ObjectStreamException {
        return list ? ShareableList.attach(name) : SharedMemory.attach(name);
    }
}
