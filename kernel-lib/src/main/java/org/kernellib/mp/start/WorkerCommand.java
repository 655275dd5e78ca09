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

import org.kernellib.mp.serial.DeserializationLimits;

/**
 * The command line of a worker JVM: the parent's own {@code java}, a short boot class path
 * (kernel-lib itself, then ASM, its one dependency), and flags for a fast, small start. The rest
 * of the parent's class path, including jars added at run time to URL class loaders (as JJava's
 * {@code %maven} and {@code %classpath} do), is handed to the worker on its stdin and becomes a
 * URL class loader under the system one, much as in the kernel, where those jars sit in JJava's
 * snippet loader. The task runs with the shipped-class loader above it as context class loader,
 * so code that resolves names through the context loader (ServiceLoader, deserialization of user
 * objects) sees everything.
 *
 * <p>Why not start with the whole class path: the JVM would open and index jars it may never
 * need, and a notebook's class path easily has dozens of jars, about a millisecond each in a fresh
 * JVM. The short boot class path is also what the AppCDS archive is dumped with, so the archive
 * stays valid whatever the notebook adds, and a pre-started standby JVM never goes stale when a jar
 * is added (it adds the new jars).
 *
 * <p>ASM is there because a task may start workers of its own, and copying a task reads class
 * files with ASM; kernel-lib's classes, on the system class loader, can only see it there. It
 * comes after kernel-lib, and the JVM opens a class path jar only when a search first reaches it,
 * so a worker that starts none pays for it at most once, when a class search misses kernel-lib.
 *
 * <p>Flags, and why: UTF-8 standard streams (see baseFlags); {@code -XX:+UseG1GC}, because on JDK
 * 17 only G1 maps CDS's archived heap objects, among them the archived module graph: with it,
 * creating the VM takes ~22 ms instead of ~40 ms with the Serial collector, which saves more than
 * it costs in footprint (a no-op worker peaks near 41 MiB). {@code -XX:-UsePerfData} (no hsperfdata
 * mmap file per JVM), {@code -Xshare:auto} plus, when present, the AppCDS archive built by
 * {@link CdsArchive} (class metadata mapped instead of parsed). No module options: any {@code --add-opens}
 * would switch off the archived module graph. The JIT is left at full strength because workers do
 * real work.
 * Extra flags can be given in the system property {@code kernellib.worker.jvmArgs} (space
 * separated).
 *
 * <p>Entries listed in the system property {@value #OMITTED_CLASS_PATH} ({@code File.pathSeparator}
 * separated) are left out of a worker's class path, unless its command asks for them: the
 * notebooks' kernelspec lists kernel-lib-cluster and Apache Ignite's jars there, which only the
 * kernel and a cluster's server nodes use. A standby opens every jar it is given while it warms up,
 * and Ignite's core jar alone (7 262 entries in 2.17) would add over a quarter to the entries of all
 * the other jars of the kernel (25 678).
 */
public final class WorkerCommand {
    static final List<String> BASE_FLAGS = baseFlags();
    /** The system property naming class path entries workers are not given (see the class comment). */
    public static final String OMITTED_CLASS_PATH = "kernellib.worker.omittedClassPath";
    /** A class of ASM, which kernel-lib uses to read class files (see serial.ClassReferences). */
    private static final String ASM_CLASS = "org.objectweb.asm.ClassVisitor";

    /** {@link #userClassPath(Collection)}'s last answer, kept while its inputs are unchanged. */
    private static volatile LastClassPath lastClassPath;

    private final String java;
    private final List<String> bootClassPath;
    private final List<String> flags;
    private final List<String> userClassPath;

    WorkerCommand(final String java, final List<String> bootClassPath, final List<String> flags,
            final List<String> userClassPath) {
        this.java = java;
        this.bootClassPath = List.copyOf(bootClassPath);
        this.flags = List.copyOf(flags);
        this.userClassPath = List.copyOf(userClassPath);
    }

    private static List<String> baseFlags() {
        List<String> f = new ArrayList<>(List.of("-XX:+UseG1GC", "-XX:-UsePerfData", "-Xshare:auto"));
        int feature = Runtime.version().feature();
        // UTF-8 standard streams whatever the locale: under LANG=C (common in containers) a JVM
        // would print non-ASCII as '?'. The parent decodes workers' output as UTF-8, as JJava's
        // cell streams are. JDK 18+ reads stdout.encoding; 17 reads sun.stdout.encoding.
        f.addAll(feature >= 18 ? List.of("-Dstdout.encoding=UTF-8", "-Dstderr.encoding=UTF-8")
                : List.of("-Dsun.stdout.encoding=UTF-8", "-Dsun.stderr.encoding=UTF-8"));
        if (feature >= 14 && feature <= 25) {
            // Map the CDS archives at the address they were made for instead of a random one:
            // relocating every pointer in them costs each start ~7 ms (VM creation 23 -> 16 ms
            // here). Random placement became the default in JDK 17 updates, for address-space
            // randomisation of the archived metadata; a worker gives that up for the archive only
            // (heap, stacks and code stay randomised), to start as fast as JVMs did before. The flag
            // is diagnostic, hence the unlock, and known to exist from JDK 14 through 25; other
            // versions are left alone rather than refused. -XX:ArchiveRelocationMode=1 in
            // kernellib.worker.jvmArgs (which come later, and the last one wins) turns it back.
            f.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0"));
        }
        return List.copyOf(f);
    }

    /** The command for tasks of the calling thread: its context class loader's class path. */
    public static WorkerCommand forCurrentThread() {
        ClassLoader l = Thread.currentThread().getContextClassLoader();
        return forLoaders(List.of(l != null ? l : ClassLoader.getSystemClassLoader()));
    }

    /**
     * The command for tasks whose classes come from {@code loaders}: their class path, without the
     * entries of {@value #OMITTED_CLASS_PATH}.
     */
    public static WorkerCommand forLoaders(final Collection<ClassLoader> loaders) {
        return forLoaders(loaders, false);
    }

    /**
     * The command for tasks whose classes come from {@code loaders}; with {@code withOmitted}, the
     * entries of {@value #OMITTED_CLASS_PATH} stay on its class path (a cluster's server node).
     */
    public static WorkerCommand forLoaders(final Collection<ClassLoader> loaders, final boolean withOmitted) {
        List<String> boot = BootEntries.LIST;
        List<String> user = userClassPath(loaders, withOmitted);
        List<String> flags = new ArrayList<>(BASE_FLAGS);
        flags.addAll(CdsArchive.flagsFor(boot));
        flags.addAll(DeserializationLimits.workerFlags()); // a raised limit holds in workers too
        String extra = System.getProperty("kernellib.worker.jvmArgs", "").trim();
        if (!extra.isEmpty()) {
            flags.addAll(List.of(extra.split("\\s+")));
        }
        return new WorkerCommand(javaExecutable(), boot, flags, user);
    }

    /**
     * What {@code forLoaders(loaders).userClassPath()} is, without the rest of the command (its
     * flags and launcher, which cost file system look-ups): for a pool, which needs it at every call.
     */
    public static List<String> userClassPath(final Collection<ClassLoader> loaders) {
        return userClassPath(loaders, false);
    }

    private static List<String> userClassPath(final Collection<ClassLoader> loaders, final boolean withOmitted) {
        // A pool works this out at every call, and turning a kernel's ~80 entries into absolute
        // paths was a third of the CPU a trivial cluster apply took in the kernel: the answer is
        // kept while what it is made of (the property, the loaders and their URLs) is unchanged.
        List<Object> key = classPathKey(loaders, withOmitted);
        LastClassPath last = lastClassPath;
        if (last != null && last.key.equals(key)) {
            return last.entries;
        }
        List<String> entries = List.copyOf(computeUserClassPath(loaders, withOmitted));
        lastClassPath = new LastClassPath(key, entries);
        return entries;
    }

    /** The last class path worked out, and what it was worked out from (see classPathKey). */
    private record LastClassPath(List<Object> key, List<String> entries) {
    }

    /**
     * Everything {@link #computeUserClassPath} reads: the class path and omitted-entries
     * properties, and each loader of the chains (by identity) with its URLs when it has them (JJava's
     * {@code %jars} and {@code %maven} add URLs to a loader the kernel already had).
     */
    private static List<Object> classPathKey(final Collection<ClassLoader> loaders, final boolean withOmitted) {
        List<Object> key = new ArrayList<>();
        key.add(withOmitted);
        key.add(System.getProperty("java.class.path", ""));
        key.add(System.getProperty(OMITTED_CLASS_PATH, ""));
        for (ClassLoader root : loaders) {
            for (ClassLoader l = root; l != null; l = l.getParent()) {
                key.add(new LoaderIdentity(l));
                if (l instanceof URLClassLoader) {
                    for (URL u : ((URLClassLoader) l).getURLs()) {
                        key.add(u.toExternalForm()); // not the URL: URL.equals may resolve host names
                    }
                }
            }
        }
        return key;
    }

    /** A loader compared by identity, whatever its class does with equals. */
    private record LoaderIdentity(ClassLoader loader) {
        @Override
        public boolean equals(final Object o) {
            return o instanceof LoaderIdentity && ((LoaderIdentity) o).loader == loader;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(loader);
        }
    }

    private static List<String> computeUserClassPath(final Collection<ClassLoader> loaders, final boolean withOmitted) {
        Set<String> all = new LinkedHashSet<>();
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!e.isEmpty()) {
                all.add(Paths.get(e).toAbsolutePath().toString());
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
                                all.add(Paths.get(u.toURI()).toString());
                            } catch (URISyntaxException | IllegalArgumentException e) {
                                // Not a usable local path; the parent can still ship its classes.
                            }
                        }
                    }
                }
            }
        }
        List<String> user = new ArrayList<>(all);
        user.removeAll(BootEntries.LIST);
        if (!withOmitted) {
            user.removeAll(omittedEntries());
        }
        return user;
    }

    /** The entries of {@value #OMITTED_CLASS_PATH}, in the form class path entries take above. */
    private static Set<String> omittedEntries() {
        Set<String> omitted = new LinkedHashSet<>();
        for (String e : System.getProperty(OMITTED_CLASS_PATH, "").split(File.pathSeparator)) {
            if (!e.isBlank()) {
                omitted.add(Paths.get(e.trim()).toAbsolutePath().toString());
            }
        }
        return omitted;
    }

    /** The java launcher of this JVM. */
    public static String javaExecutable() {
        Path home = Paths.get(System.getProperty("java.home"), "bin", "java");
        if (Files.isExecutable(home)) {
            return home.toString();
        }
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** {@link #bootEntries()}, found once: where this JVM loaded two classes from does not change. */
    private static final class BootEntries {
        static final List<String> LIST = bootEntries();
    }

    /** kernel-lib's jar or directory, then ASM's if it is another one (not shaded into kernel-lib). */
    private static List<String> bootEntries() {
        String self = locationOf(ChildMain.class);
        if (self == null) {
            return List.of();
        }
        String asm;
        try {
            asm = locationOf(Class.forName(ASM_CLASS, false, ChildMain.class.getClassLoader()));
        } catch (ClassNotFoundException | LinkageError e) {
            asm = null; // then a worker cannot copy a task; it says so when one tries
        }
        return asm == null || asm.equals(self) ? List.of(self) : List.of(self, asm);
    }

    /** The jar or directory holding {@code c} (null when it cannot be told). */
    public static String locationOf(final Class<?> c) {
        try {
            CodeSource cs = c.getProtectionDomain().getCodeSource();
            return cs == null ? null : Paths.get(cs.getLocation().toURI()).toString();
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /**
     * This command with more JVM flags after its own (the last of two conflicting flags wins), for
     * a long-lived worker that needs module options, such as a cluster's server node.
     */
    public WorkerCommand withFlags(final List<String> more) {
        List<String> f = new ArrayList<>(flags);
        f.addAll(more);
        return new WorkerCommand(java, bootClassPath, f, userClassPath);
    }

    /**
     * The same command with another class-data-sharing archive than the workers' (see
     * {@link CdsArchive}): {@code archiveFlags} replace the flags that use that one, such as a
     * server JVM's own archive, or flags that dump one (a JVM cannot dump an archive on top of
     * another dumped one).
     */
    public WorkerCommand withArchive(final List<String> archiveFlags) {
        List<String> f = new ArrayList<>();
        for (String flag : flags) {
            if (!flag.startsWith("-XX:SharedArchiveFile=") && !CdsArchive.QUIET.contains(flag)) {
                f.add(flag);
            }
        }
        f.addAll(archiveFlags);
        return new WorkerCommand(java, bootClassPath, f, userClassPath);
    }

    /**
     * The same command with the entries that hold {@code classes} (those it can tell) moved from
     * the class path handed to the worker with each task to the worker JVM's own, after
     * kernel-lib's: the JVM's application class loader loads their classes, and takes those in
     * the JVM's class-data-sharing archive from there without reading the jar, where the task's
     * loader reads and inflates every class from the jar before the JVM can match it with the
     * archive. For a JVM that loads thousands of classes from a few jars as it starts (a cluster's
     * server node, Ignite's). Whatever those classes need must be among them: the application
     * class loader does not see the task's class path.
     */
    public WorkerCommand withBootClassPathOf(final Class<?>... classes) {
        List<String> boot = new ArrayList<>(bootClassPath);
        for (Class<?> c : classes) {
            String e = locationOf(c);
            if (e != null && !boot.contains(e)) {
                boot.add(e);
            }
        }
        List<String> user = new ArrayList<>(userClassPath);
        user.removeAll(boot);
        return new WorkerCommand(java, boot, flags, user);
    }

    /** What the worker JVM is started with: kernel-lib and ASM, and what {@link #withBootClassPathOf} added. */
    public List<String> bootClassPath() {
        return bootClassPath;
    }

    /** The rest of the parent's class path, handed to the worker with each task. */
    public List<String> userClassPath() {
        return userClassPath;
    }

    public List<String> flags() {
        return flags;
    }

    /** The full argument vector of a worker JVM. */
    List<String> argv(final boolean standby) {
        List<String> a = new ArrayList<>();
        a.add(java);
        a.addAll(flags);
        a.add("-cp");
        a.add(String.join(File.pathSeparator, bootClassPath));
        a.add(ChildMain.class.getName());
        a.add(standby ? ChildMain.STANDBY : ChildMain.SPAWN);
        return a;
    }

    @Override
    public boolean equals(final Object o) {
        if (!(o instanceof WorkerCommand)) {
            return false;
        }
        WorkerCommand w = (WorkerCommand) o;
        // The user class path is left out on purpose: it is applied per task, so a standby JVM
        // started before a %maven stays usable.
        return java.equals(w.java) && bootClassPath.equals(w.bootClassPath) && flags.equals(w.flags);
    }

    @Override
    public int hashCode() {
        return Objects.hash(java, bootClassPath, flags);
    }

    @Override
    public String toString() {
        return String.join(" ", argv(false));
    }
}
