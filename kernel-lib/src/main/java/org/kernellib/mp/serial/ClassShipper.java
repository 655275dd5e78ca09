package org.kernellib.mp.serial;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parent side of class shipping: finds the bytes of classes a worker cannot load from its own
 * class path, namely the classes JShell (or the JJava kernel) compiled from notebook snippets.
 *
 * <p>Three sources, tried per class loader in the chains of the loaders it was given:
 * <ol>
 * <li>JJava's snippet loader ({@code JJavaLoaderDelegate$JJavaClassLoader}) keeps the bytes in
 *     the {@code declaredClasses} map of its enclosing delegate; it is read reflectively, since
 *     the loader serves those classes from memory without exposing them as resources.</li>
 * <li>JShell's own local loader answers {@code getResource} for its classes with a URL of a
 *     private scheme; any class whose resource is not a {@code file:}, {@code jar:} or
 *     {@code jrt:} URL is treated as in-memory, so shipped.</li>
 * <li>In a worker that starts workers of its own, the {@link ShippedClassLoader} that received
 *     the snippet classes from its parent hands them on (and fetches from its parent those it
 *     has not needed itself yet).</li>
 * <li>Classes found in files or jars are on the worker's class path (the worker gets every
 *     {@code URLClassLoader} URL), so they are not shipped, though a worker that still asks
 *     for one gets its bytes.</li>
 * </ol>
 */
public final class ClassShipper {
    /** A class that lives only in the parent's memory, with the loader that defined it there. */
    public record Shipped(String name, byte[] bytes, ClassLoader loader) {
    }

    private static final String JJAVA_LOADER = "JJavaLoaderDelegate$JJavaClassLoader";
    private static final Shipped NONE = new Shipped("", new byte[0], null);
    /**
     * Per loader, the classes it was seen to serve from a file, jar or the JDK, across shippers: a
     * pool makes a shipper per call, and asking a loader again costs a search of its class path
     * (and the JDK's image) per class per call. Only this verdict is kept: a loader's class path
     * only grows, so the entry that served a class first still does, while a class served from
     * memory is looked up anew.
     */
    private static final Map<ClassLoader, Set<String>> ON_CLASS_PATH = Collections.synchronizedMap(new WeakHashMap<>());

    private final List<ClassLoader> loaders;
    private final Map<String, Shipped> shipped = new ConcurrentHashMap<>();

    public ClassShipper(final Collection<ClassLoader> roots) {
        Set<ClassLoader> all = new LinkedHashSet<>();
        for (ClassLoader root : roots) {
            for (ClassLoader l = root; l != null; l = l.getParent()) {
                all.add(l);
            }
        }
        this.loaders = new ArrayList<>(all);
    }

    /** The loaders searched, children before their parents. */
    public List<ClassLoader> loaders() {
        return loaders;
    }

    /** The class if it exists only in memory here, so the worker needs its bytes shipped. */
    public Optional<Shipped> shipped(final String binaryName) {
        Shipped s = shipped.computeIfAbsent(binaryName, this::lookup);
        return s == NONE ? Optional.empty() : Optional.of(s);
    }

    /** Bytes for a class a worker asked for, from memory or from a file; null when unknown. */
    public byte[] bytesFor(final String binaryName) {
        Optional<Shipped> s = shipped(binaryName);
        if (s.isPresent()) {
            return s.get().bytes();
        }
        String resource = binaryName.replace('.', '/') + ".class";
        for (ClassLoader l : loaders) {
            try (InputStream in = l.getResourceAsStream(resource)) {
                if (in != null) {
                    return in.readAllBytes();
                }
            } catch (IOException e) {
                // Try the next loader.
            }
        }
        return null;
    }

    private Shipped lookup(final String binaryName) {
        if (binaryName.startsWith("[")) {
            // An array class is never a resource, so none was ever shipped: asking for one searched
            // every class path entry at every call (Object[], which holds a lambda's captured
            // values, is in every serialized lambda).
            return NONE;
        }
        String resource = binaryName.replace('.', '/') + ".class";
        for (ClassLoader l : loaders) {
            if (l instanceof ShippedClassLoader) {
                byte[] b = ((ShippedClassLoader) l).bytesOf(binaryName);
                if (b != null) {
                    return new Shipped(binaryName, b, l);
                }
                continue;
            }
            if (l.getClass().getName().endsWith(JJAVA_LOADER)) {
                byte[] b = jjavaDeclared(l, binaryName);
                if (b != null) {
                    return new Shipped(binaryName, b, l);
                }
                continue;
            }
            Set<String> known = ON_CLASS_PATH.get(l);
            if (known != null && known.contains(binaryName)) {
                return NONE;
            }
            URL u;
            try {
                u = l.getResource(resource);
            } catch (RuntimeException e) {
                continue;
            }
            if (u == null) {
                continue;
            }
            String scheme = u.getProtocol();
            if ("file".equals(scheme) || "jar".equals(scheme) || "jrt".equals(scheme)) {
                // A normal class path entry: the worker loads it itself.
                ON_CLASS_PATH.computeIfAbsent(l, k -> Collections.synchronizedSet(new HashSet<>())).add(binaryName);
                return NONE;
            }
            try (InputStream in = u.openStream()) {
                return new Shipped(binaryName, in.readAllBytes(), l);
            } catch (IOException e) {
                continue;
            }
        }
        return NONE;
    }

    private static byte[] jjavaDeclared(final ClassLoader loader, final String binaryName) {
        try {
            Field outer = loader.getClass().getDeclaredField("this$0");
            outer.setAccessible(true);
            Object delegate = outer.get(loader);
            Field declared = delegate.getClass().getDeclaredField("declaredClasses");
            declared.setAccessible(true);
            Map<?, ?> classes = (Map<?, ?>) declared.get(delegate);
            Object b = classes.get(binaryName);
            if (b == null) {
                b = classes.get(binaryName.replace('.', '/'));
            }
            return b instanceof byte[] ? (byte[]) b : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Another JJava version: fall back to the resource lookup of its parents.
            return null;
        }
    }
}
