package org.kernellib.mp.serial;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Worker side of class shipping. Parent-first: the application class loader (the worker's class
 * path, which mirrors the parent's) wins, so library classes are the worker's own; a class it
 * cannot find, typically one compiled from a notebook snippet, is fetched from the parent (a
 * class request on the worker's pipes, or on a pool worker's socket) and defined here.
 *
 * <p>It keeps the class files of the classes it defined: a task that starts a worker of its own
 * ships them on from here (see {@link #bytesOf}), as the kernel ships them from its snippet loader.
 */
public final class ShippedClassLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    /** The loader's name, which stack traces show before the frames of its classes. */
    public static final String NAME = "kernel-lib-shipped";

    private final Function<String, byte[]> fetch;
    private final Map<String, byte[]> sentAhead;
    /** The class files of the classes defined here, for this worker's own workers. */
    private final Map<String, byte[]> defined = new ConcurrentHashMap<>();

    /**
     * @param parent the loader tried first
     * @param fetch asks the parent for a class's bytes; returns null when the parent has none
     */
    public ShippedClassLoader(final ClassLoader parent, final Function<String, byte[]> fetch) {
        this(parent, fetch, Map.of());
    }

    /**
     * @param sentAhead snippet classes that came with the task; the parent found them in its
     *     snippet loader, so no class path has them and they are defined without asking the parent
     *     loader first
     */
    public ShippedClassLoader(final ClassLoader parent, final Function<String, byte[]> fetch,
            final Map<String, byte[]> sentAhead) {
        super(NAME, parent);
        this.fetch = fetch;
        this.sentAhead = new ConcurrentHashMap<>(sentAhead);
    }

    @Override
    protected Class<?> loadClass(final String name, final boolean resolve) throws ClassNotFoundException {
        byte[] b = sentAhead.get(name);
        if (b == null) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                c = defineClass(name, b, 0, b.length);
                defined.put(name, b);
                sentAhead.remove(name);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    protected Class<?> findClass(final String name) throws ClassNotFoundException {
        byte[] b = fetch.apply(name);
        if (b == null || b.length == 0) {
            throw new ClassNotFoundException(name + " (neither on the worker's class path nor known to the parent)");
        }
        Class<?> c = defineClass(name, b, 0, b.length);
        defined.put(name, b);
        return c;
    }

    /**
     * The class file of a class this loader serves rather than a loader above it: one defined
     * here, one sent ahead, or, when no loader above has it and it was not needed yet, one the
     * parent has (fetched now, and defined from these same bytes if this worker loads it later).
     * Null for a class of the class path or the JDK, and for one the parent does not know.
     */
    public byte[] bytesOf(final String name) {
        byte[] b = defined.get(name);
        if (b == null) {
            b = sentAhead.get(name);
        }
        if (b != null) {
            return b;
        }
        synchronized (getClassLoadingLock(name)) {
            b = defined.get(name);
            if (b != null) {
                return b;
            }
            String resource = name.replace('.', '/').concat(".class");
            ClassLoader above = getParent();
            if (findLoadedClass(name) != null || above != null && above.getResource(resource) != null) {
                return null;
            }
            b = fetch.apply(name);
            if (b == null || b.length == 0) {
                return null;
            }
            sentAhead.put(name, b);
            return b;
        }
    }
}
