package org.kernellib.mp.serial;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Java serialization plus one rule: an object of a notebook class that is not Serializable is
 * written as a {@link SnippetObject} (its fields), which {@link ShippingObjectInputStream} turns
 * back into the object in the worker. Used for the task and for the copied variables alike.
 */
class SnippetAwareObjectOutputStream extends ObjectOutputStream {
    private final Map<Class<?>, Boolean> copyable = new ConcurrentHashMap<>();

    SnippetAwareObjectOutputStream(final OutputStream out) throws IOException {
        super(out);
        enableReplaceObject(true);
    }

    @Override
    protected Object replaceObject(final Object obj) throws IOException {
        if (obj == null) {
            return null;
        }
        Class<?> c = obj.getClass();
        boolean copy = copyable.computeIfAbsent(c, k -> SnippetObject.canCopy(k,
                s -> s.getClassLoader() != null
                        && new ClassShipper(List.of(s.getClassLoader())).shipped(s.getName()).isPresent()));
        return copy ? SnippetObject.of(obj) : obj;
    }
}
