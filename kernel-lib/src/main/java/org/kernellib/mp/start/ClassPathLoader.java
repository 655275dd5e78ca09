package org.kernellib.mp.start;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.security.CodeSource;
import java.security.PermissionCollection;
import java.security.Permissions;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * A worker's loader for the parent's class path beyond kernel-lib (see {@link WorkerCommand}):
 * a {@link URLClassLoader} that can also be told which entry holds a class. The parent knows where
 * it loaded the task's own classes from; without that hint, loading them means opening every jar
 * that comes before their entry, about a millisecond each in a fresh JVM, and a notebook or test
 * class path has dozens.
 *
 * <p>A hinted class is defined exactly as {@code URLClassLoader} would define it from that entry:
 * same bytes, same code source URL, and its package defined from the jar's manifest. The hint
 * names the entry the parent's own search found first in the same order, so the answer is the same
 * one a full search gives (the parent found it on none of the loaders above this one either).
 * Signed jars are never hinted (the parent checks); a hint that does not work out falls back to
 * the normal search. The entries go on the search path only when a search first needs them.
 */
final class ClassPathLoader extends URLClassLoader {
    static {
        registerAsParallelCapable();
    }

    /** The loader's name, which stack traces show before the frames of its classes. */
    static final String NAME = "kernel-lib-task-classpath";

    private final List<String> entries;
    private final Set<String> entrySet;
    /** Class name to the class path entry that holds it. */
    private final Map<String, String> hints = new ConcurrentHashMap<>();
    private final Object searchPathLock = new Object();
    /** Whether the entries are on URLClassLoader's search path yet (see {@link #addEntries}). */
    private volatile boolean searchable;

    ClassPathLoader(final List<String> entries, final ClassLoader parent) {
        super(NAME, new URL[0], parent);
        this.entries = List.copyOf(entries);
        this.entrySet = Set.copyOf(entries);
    }

    /** Notes where classes are; entries this loader does not have are ignored. */
    void hint(final Map<String, String> classToEntry) {
        for (Map.Entry<String, String> h : classToEntry.entrySet()) {
            if (entrySet.contains(h.getValue())) {
                hints.put(h.getKey(), h.getValue());
            }
        }
    }

    /**
     * Puts every entry on the search path, in order, before the first search. Not in the
     * constructor: a URL per entry costs ~0.1 ms in a cold JVM, a class path has dozens, and a
     * cold worker whose classes are all hinted or shipped never searches.
     */
    private void addEntries() {
        if (searchable) {
            return;
        }
        synchronized (searchPathLock) {
            if (!searchable) {
                for (String e : entries) {
                    addURL(toUrl(e));
                }
                searchable = true;
            }
        }
    }

    @Override
    public URL findResource(final String name) {
        addEntries();
        return super.findResource(name);
    }

    @Override
    public Enumeration<URL> findResources(final String name) throws IOException {
        addEntries();
        return super.findResources(name);
    }

    @Override
    public URL[] getURLs() {
        addEntries();
        return super.getURLs();
    }

    /**
     * A hinted class is defined here without asking the parents first: the parent JVM's own
     * search did not find it in kernel-lib or the JDK, and asking would make the system loader
     * open the kernel-lib jar (it serves everything else from the CDS archive), milliseconds of a
     * cold start.
     */
    @Override
    protected Class<?> loadClass(final String name, final boolean resolve) throws ClassNotFoundException {
        if (!hints.containsKey(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                c = findClass(name);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    protected Class<?> findClass(final String name) throws ClassNotFoundException {
        String entry = hints.remove(name);
        if (entry != null) {
            Class<?> c = defineFrom(entry, name);
            if (c != null) {
                return c;
            }
        }
        addEntries();
        return super.findClass(name);
    }

    /**
     * With a security manager, what URLClassLoader grants (read access to the code source). Without
     * one, as is usual (Java 17 deprecated them), permissions are never consulted, and computing
     * that file permission would initialise the JDK's security properties, reading and parsing
     * {@code java.security}: ~3 ms of a cold worker's start.
     */
    @Override
    @SuppressWarnings("removal")
    protected PermissionCollection getPermissions(final CodeSource codesource) {
        if (System.getSecurityManager() != null) {
            return super.getPermissions(codesource);
        }
        return new Permissions();
    }

    private Class<?> defineFrom(final String entry, final String name) {
        // concat, not '+': the first indy string concatenation in a JVM costs ~5 ms of bootstrap,
        // and this runs on a cold worker's start-up path.
        String path = name.replace('.', '/').concat(".class");
        URL url = toUrl(entry);
        try {
            byte[] bytes;
            Manifest manifest = null;
            if (new File(entry).isDirectory()) {
                File f = new File(entry, path);
                if (!f.isFile()) {
                    return null;
                }
                try (InputStream in = new FileInputStream(f)) { // plain I/O: NIO's file channels are not loaded yet
                    bytes = in.readAllBytes();
                }
            } else {
                // Version-aware, as the class loader opens jars, so multi-release jars agree.
                try (JarFile jar = new JarFile(new File(entry), true, JarFile.OPEN_READ, JarFile.runtimeVersion())) {
                    JarEntry je = jar.getJarEntry(path);
                    if (je == null) {
                        return null;
                    }
                    try (InputStream in = jar.getInputStream(je)) {
                        bytes = in.readAllBytes();
                    }
                    if (je.getCodeSigners() != null) {
                        return null; // signed after all: let the normal path verify it
                    }
                    manifest = jar.getManifest();
                }
            }
            int dot = name.lastIndexOf('.');
            if (dot > 0) {
                String pkg = name.substring(0, dot);
                if (getDefinedPackage(pkg) == null) {
                    try {
                        if (manifest != null) {
                            definePackage(pkg, manifest, url);
                        } else {
                            definePackage(pkg, null, null, null, null, null, null, null);
                        }
                    } catch (IllegalArgumentException raced) {
                        // another thread defined it first
                    }
                }
            }
            return defineClass(name, bytes, 0, bytes.length, new CodeSource(url, (java.security.CodeSigner[]) null));
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    private static URL toUrl(final String entry) {
        try {
            return new File(entry).toURI().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("bad class path entry " + entry, e);
        }
    }
}
