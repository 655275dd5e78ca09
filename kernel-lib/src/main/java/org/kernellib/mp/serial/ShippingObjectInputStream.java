package org.kernellib.mp.serial;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;

/**
 * The one object stream kernel-lib reads with: everything another process wrote (queue items, pipe
 * messages, pool items and results, tasks and copied variables) comes through here.
 *
 * <p>It resolves classes through a given loader (the worker's {@link ShippedClassLoader}, or the
 * notebook's) instead of the caller's, so serialized lambdas, captured values and copied variables
 * whose classes were defined in notebook snippets can be read; it rebuilds the notebook objects
 * that were copied field by field ({@link SnippetObject}); and it reads through the
 * {@link DeserializationLimits} filter, so a forged or runaway stream is refused before it can
 * exhaust memory or the stack. Read with {@link #read}, which turns a refusal into a
 * {@link DeserializationLimitException} that says what was wrong and which limit to raise.
 */
public final class ShippingObjectInputStream extends ObjectInputStream {
    private final ClassLoader loader;

    public ShippingObjectInputStream(final InputStream in, final ClassLoader loader) throws IOException {
        this(in, loader, new DeserializationLimits(knownLength(in), "a message"));
    }

    private ShippingObjectInputStream(final InputStream in, final ClassLoader loader,
            final DeserializationLimits limits) throws IOException {
        super(in);
        this.loader = loader;
        setObjectInputFilter(limits);
        enableResolveObject(true);
    }

    /**
     * Reads one object written by another process.
     *
     * @param what names it in errors ("a queue item", "the results of a pool chunk")
     * @throws DeserializationLimitException when the stream breaks a {@link DeserializationLimits} limit
     */
    public static Object read(final InputStream in, final ClassLoader loader, final String what)
            throws IOException, ClassNotFoundException {
        DeserializationLimits limits = new DeserializationLimits(knownLength(in), what);
        try (ShippingObjectInputStream s = new ShippingObjectInputStream(in, loader, limits)) {
            return s.readObject();
        } catch (InvalidClassException e) {
            String why = limits.rejection();
            if (why != null) {
                throw new DeserializationLimitException(why, e);
            }
            throw e;
        } catch (StackOverflowError e) {
            // Objects whose reading takes many frames per level can exhaust a small thread stack
            // before the depth limit: the stack is unwound by now, so say so instead of crashing.
            throw new DeserializationLimitException("refused to read " + what + " written by another process: its"
                    + " objects nest deeper than this thread's stack can read (at most "
                    + System.getProperty(DeserializationLimits.MAX_DEPTH, Long.toString(DeserializationLimits.DEFAULT_MAX_DEPTH))
                    + " levels are read, see DeserializationLimits); send a flatter structure", e);
        }
    }

    /** Reads one object from {@code bytes}; see {@link #read(InputStream, ClassLoader, String)}. */
    public static Object read(final byte[] bytes, final ClassLoader loader, final String what)
            throws IOException, ClassNotFoundException {
        return read(new ByteArrayInputStream(bytes), loader, what);
    }

    /** The bytes a stream still holds when that is known up front (an in-memory message), else -1. */
    private static long knownLength(final InputStream in) {
        return in instanceof ByteArrayInputStream ? ((ByteArrayInputStream) in).available() : -1;
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
