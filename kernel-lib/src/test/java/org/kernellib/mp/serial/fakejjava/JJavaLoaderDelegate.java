package org.kernellib.mp.serial.fakejjava;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.HashMap;
import java.util.Map;

/**
 * Stands in for JJava's {@code org.dflib.jjava.kernel.execution.JJavaLoaderDelegate}, which is
 * not on the test class path: same simple names, same shape (a non-static inner
 * {@code JJavaClassLoader} that is a URLClassLoader, and the class bytes in a private
 * {@code declaredClasses} map of the enclosing delegate), so {@code ClassShipper}'s reflective
 * path is exercised.
 */
public final class JJavaLoaderDelegate {
    private final Map<String, byte[]> declaredClasses = new HashMap<>();
    private final JJavaClassLoader loader = new JJavaClassLoader();

    public void declare(final String binaryName, final byte[] bytes) {
        declaredClasses.put(binaryName, bytes);
    }

    public ClassLoader loader() {
        return loader;
    }

    /** Defines declared classes from memory; exposes no resources for them, like JJava's. */
    public final class JJavaClassLoader extends URLClassLoader {
        JJavaClassLoader() {
            super(new URL[0], JJavaLoaderDelegate.class.getClassLoader());
        }

        @Override
        protected Class<?> findClass(final String name) throws ClassNotFoundException {
            byte[] b = declaredClasses.get(name);
            if (b == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, b, 0, b.length);
        }
    }
}
