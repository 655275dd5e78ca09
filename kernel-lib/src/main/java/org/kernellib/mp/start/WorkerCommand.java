package org.kernellib.mp.start;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The command line of a worker JVM: the parent's own {@code java}, a class path equal to the
 * parent's (including jars added at run time to URL class loaders, as JJava's {@code %maven} and
 * {@code %classpath} do), and flags for a fast, small start.
 *
 * <p>Flags, and why: {@code -XX:+UseSerialGC} (the cheapest collector to start and the smallest
 * footprint; a worker is one process among several on the machine), {@code -XX:-UsePerfData} (no
 * hsperfdata mmap file per JVM), {@code -Xshare:auto} plus, when present, the AppCDS archive
 * built by {@link CdsArchive} (class metadata mapped instead of parsed). The JIT is left at full
 * strength because workers do real work. Extra flags can be given in the system property
 * {@code kernellib.worker.jvmArgs} (space separated).
 *
 * <p>The kernel-lib jar comes first on the class path, so an AppCDS archive dumped with just that
 * jar stays valid whatever the notebook adds after it.
 */
public final class WorkerCommand {
    static final List<String> BASE_FLAGS = List.of("-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xshare:auto");

    private final String java;
    private final List<String> classPath;
    private final List<String> flags;

    WorkerCommand(final String java, final List<String> classPath, final List<String> flags) {
        this.java = java;
        this.classPath = List.copyOf(classPath);
        this.flags = List.copyOf(flags);
    }

    /** The command for tasks whose classes come from {@code loaders}. */
    public static WorkerCommand forLoaders(final Collection<ClassLoader> loaders) {
        Set<String> cp = new LinkedHashSet<>();
        String self = libraryLocation();
        if (self != null) {
            cp.add(self);
        }
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!e.isEmpty()) {
                cp.add(Paths.get(e).toAbsolutePath().toString());
            }
        }
        for (ClassLoader root : loaders) {
            List<ClassLoader> chain = new ArrayList<>();
            for (ClassLoader l = root; l != null; l = l.getParent()) {
                chain.add(0, l); // parents first: their entries come first in the worker too
            }
            for (ClassLoader l : chain) {
                if (l instanceof URLClassLoader) {
                    for (URL u : ((URLClassLoader) l).getURLs()) {
                        if ("file".equals(u.getProtocol())) {
                            try {
                                cp.add(Paths.get(u.toURI()).toString());
                            } catch (URISyntaxException | IllegalArgumentException e) {
                                // Not a usable local path; the parent can still ship its classes.
                            }
                        }
                    }
                }
            }
        }
        List<String> flags = new ArrayList<>(BASE_FLAGS);
        CdsArchive.flagsFor(self).forEach(flags::add);
        String extra = System.getProperty("kernellib.worker.jvmArgs", "").trim();
        if (!extra.isEmpty()) {
            flags.addAll(List.of(extra.split("\\s+")));
        }
        return new WorkerCommand(javaExecutable(), new ArrayList<>(cp), flags);
    }

    /** The java launcher of this JVM. */
    public static String javaExecutable() {
        Path home = Paths.get(System.getProperty("java.home"), "bin", "java");
        if (Files.isExecutable(home)) {
            return home.toString();
        }
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** The jar or directory holding kernel-lib's classes. */
    static String libraryLocation() {
        try {
            CodeSource cs = ChildMain.class.getProtectionDomain().getCodeSource();
            return cs == null ? null : Paths.get(cs.getLocation().toURI()).toString();
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    public List<String> classPath() {
        return classPath;
    }

    public List<String> flags() {
        return flags;
    }

    /** The full argument vector for a worker that connects to {@code socket}. */
    List<String> argv(final Path socket, final boolean standby) {
        List<String> a = new ArrayList<>();
        a.add(java);
        a.addAll(flags);
        a.add("-cp");
        a.add(String.join(File.pathSeparator, classPath));
        a.add(ChildMain.class.getName());
        a.add(socket.toString());
        a.add(standby ? ChildMain.STANDBY : ChildMain.SPAWN);
        return a;
    }

    @Override
    public boolean equals(final Object o) {
        if (!(o instanceof WorkerCommand)) {
            return false;
        }
        WorkerCommand w = (WorkerCommand) o;
        return java.equals(w.java) && classPath.equals(w.classPath) && flags.equals(w.flags);
    }

    @Override
    public int hashCode() {
        return Objects.hash(java, classPath, flags);
    }

    @Override
    public String toString() {
        return String.join(" ", argv(Paths.get("<socket>"), false));
    }
}
