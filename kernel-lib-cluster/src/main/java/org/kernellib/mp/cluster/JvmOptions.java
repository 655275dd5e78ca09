package org.kernellib.mp.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * What every JVM that runs an Ignite node needs on Java 17+: the module options of Ignite's own
 * start script ({@code ignite.sh}, after its documentation for Java 11 and later), the update
 * notifier off, so that no node ever calls home, and IPv4 (nodes here talk on 127.0.0.1). Local
 * servers are started with them; the kernel's JVM gets them from its kernelspec
 * (tools/install_kernel.py), a test JVM from the module's pom, which lists the same options.
 */
public final class JvmOptions {
    /** Packages Ignite reaches into by reflection, as {@code module/package}. */
    static final List<String> OPENS = List.of(
            "java.base/jdk.internal.access", "java.base/jdk.internal.misc", "java.base/sun.nio.ch",
            "java.base/sun.util.calendar", "java.management/com.sun.jmx.mbeanserver",
            "jdk.internal.jvmstat/sun.jvmstat.monitor", "java.base/sun.reflect.generics.reflectiveObjects",
            "jdk.management/com.sun.management.internal", "java.base/java.io", "java.base/java.nio",
            "java.base/java.net", "java.base/java.util", "java.base/java.util.concurrent",
            "java.base/java.util.concurrent.locks", "java.base/java.util.concurrent.atomic", "java.base/java.lang",
            "java.base/java.lang.invoke", "java.base/java.math", "java.sql/java.sql", "java.base/java.lang.reflect",
            "java.base/java.time", "java.base/java.text", "java.management/sun.management",
            "java.desktop/java.awt.font");

    private JvmOptions() {
    }

    /** The options, as JVM arguments. */
    public static List<String> all() {
        List<String> a = new ArrayList<>();
        for (String p : OPENS) {
            a.add("--add-opens=" + p + "=ALL-UNNAMED");
        }
        a.add("-DIGNITE_UPDATE_NOTIFIER=false");
        a.add("-Djava.net.preferIPv4Stack=true"); // nodes talk on 127.0.0.1; Ignite warns at every start without it
        return a;
    }

    /** Prints the options, one a line: tools/install_kernel.py writes them into the kernelspec. */
    public static void main(final String[] args) {
        for (String o : all()) {
            System.out.println(o);
        }
    }

    /**
     * Stops with a clear error unless this JVM was started with the options: without them Ignite
     * fails deep inside its start with an {@code InaccessibleObjectException}.
     */
    static void requireInThisJvm() {
        Module unnamed = JvmOptions.class.getClassLoader().getUnnamedModule();
        List<String> missing = new ArrayList<>();
        for (String p : OPENS) {
            String[] mp = p.split("/");
            Module m = ModuleLayer.boot().findModule(mp[0]).orElse(null);
            if (m != null && !m.isOpen(mp[1], unnamed)) {
                missing.add("--add-opens=" + p + "=ALL-UNNAMED");
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("this JVM cannot run an Ignite node: it lacks " + missing.size()
                    + " module option(s), e.g. " + missing.get(0) + ". Start it with the options of "
                    + "JvmOptions.all() (the notebooks' kernelspec has them: run `make setup`).");
        }
    }
}
