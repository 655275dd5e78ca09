package org.kernellib.mp.start;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.JarFile;

/**
 * A worker's class path beyond its boot class path (kernel-lib and ASM, see {@link WorkerCommand}):
 * the parent's entries, added as {@link ClassPathLoader}s under the system loader, the same shape
 * as in a notebook kernel, where JJava's snippet loader holds the jars of {@code %maven} and
 * {@code %classpath}. A standby that already added a prefix of the entries adds only the rest, as
 * a child of its first loader. {@code java.class.path} is set to the whole for code that reads it.
 */
public final class WorkerClassPath {
    /** Class path entries already added. */
    private static final List<String> APPENDED = new ArrayList<>();
    /** The loader of the appended entries, null until there are some. Guarded by the class. */
    private static ClassLoader extraLoader;
    /** Jars a standby opened ahead (see PreOpen), kept open for the life of the worker. */
    private static final List<JarFile> OPEN_JARS = new CopyOnWriteArrayList<>();

    private WorkerClassPath() {
    }

    /**
     * Adds {@code entries} and returns the loader that sees them. Cheap: the loader makes no URL
     * and opens no jar until a search needs one.
     */
    static synchronized ClassLoader extend(final List<String> entries) {
        ClassLoader below = extraLoader != null ? extraLoader : ClassLoader.getSystemClassLoader();
        if (entries.isEmpty()) {
            return below;
        }
        // StringBuilder, not '+': the first indy string concatenation in a JVM costs ~10 ms of
        // bootstrap, which does not belong on the start-up path.
        StringBuilder cp = new StringBuilder(System.getProperty("java.class.path"));
        for (String e : entries) {
            cp.append(File.pathSeparatorChar).append(e);
        }
        System.setProperty("java.class.path", cp.toString());
        APPENDED.addAll(entries);
        extraLoader = new ClassPathLoader(entries, below);
        return extraLoader;
    }

    /**
     * The loader that sees this JVM's whole class path ({@code java.class.path}): in a kernel-lib
     * worker, the one of the entries its task brought beyond the worker's own; elsewhere, and in a
     * worker before its task, the system class loader.
     */
    public static synchronized ClassLoader loader() {
        return extraLoader != null ? extraLoader : ClassLoader.getSystemClassLoader();
    }

    /** Adds what a task's class path has beyond the entries added already (a standby's set-up). */
    static synchronized ClassLoader extendFor(final List<String> taskClassPath) {
        boolean hasPrefix = taskClassPath.size() >= APPENDED.size()
                && taskClassPath.subList(0, APPENDED.size()).equals(APPENDED);
        return extend(hasPrefix ? taskClassPath.subList(APPENDED.size(), taskClassPath.size()) : taskClassPath);
    }

    /** Tells every class path loader of this worker where the task's own classes are. */
    static synchronized void hintClassLocations(final Map<String, String> classToEntry) {
        if (classToEntry.isEmpty()) {
            return;
        }
        for (ClassLoader l = extraLoader; l instanceof ClassPathLoader; l = l.getParent()) {
            ((ClassPathLoader) l).hint(classToEntry);
        }
    }

    /**
     * A standby opens every jar of its class path while it warms up. The JDK shares one parsed
     * central directory between all open handles on a jar, so when the loader opens the same jars
     * later it finds them already read. The handles stay open for the life of the worker (a few
     * file descriptors) so that sharing holds. A cold worker opens no jar ahead: parsing big jars'
     * directories costs CPU a two-core machine does not have to spare while the JVM boots, keeps
     * the JIT compiling, and the task's own classes are found without them (see ClassPathLoader).
     */
    static final class PreOpen implements Runnable {
        private final List<String> entries;

        PreOpen(final List<String> entries) {
            this.entries = entries;
        }

        @Override
        public void run() {
            for (String e : entries) {
                if (e.endsWith(".jar")) {
                    try {
                        OPEN_JARS.add(new JarFile(e));
                    } catch (IOException | RuntimeException ignored) {
                        // The class loader will report a real problem itself.
                    }
                }
            }
        }
    }
}
