package org.kernellib.mp.serial;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;

/**
 * An object stream that resolves classes through a given loader (the worker's
 * {@link ShippedClassLoader}) instead of the caller's, so serialized lambdas, captured values and
 * copied variables whose classes were defined in notebook snippets can be read in the worker, and
 * that rebuilds the notebook objects that were copied field by field ({@link SnippetObject}).
 */
public final class ShippingObjectInputStream extends ObjectInputStream {
    private final ClassLoader loader;

    public ShippingObjectInputStream(final InputStream in, final ClassLoader loader) throws IOException {
        super(in);
        this.loader = loader;
        enableResolveObject(true);
    }

    /** Rebuilds objects of notebook classes that were copied field by field (see SnippetObject). */
    @Override
    protected Object resolveObject(final Object obj) throws IOException {
        if (obj instanceof SnippetObject) {
            try {
                return ((SnippetObject) obj).rebuild(loader);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new java.io.InvalidObjectException("cannot rebuild a copied notebook object: " + e);
            }
        }
        return obj;
    }

    @Override
    protected Class<?> resolveClass(final ObjectStreamClass desc) throws IOException, ClassNotFoundException {
        try {
            return Class.forName(desc.getName(), false, loader);
        } catch (ClassNotFoundException e) {
            return super.resolveClass(desc); // primitives and their arrays
        }
    }
}
