package org.kernellib.mp.jupyter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.dflib.jjava.jupyter.Extension;
import org.junit.jupiter.api.Test;
import org.kernellib.mp.Multiprocessing;

class KernelLibExtensionTest {
    @Test
    void shouldBeFoundByJJavasServiceLoader() {
        boolean found = ServiceLoader.load(Extension.class).stream()
                .anyMatch(provider -> provider.type() == KernelLibExtension.class);
        assertTrue(found, "META-INF/services/org.dflib.jjava.jupyter.Extension must name KernelLibExtension");
    }

    @Test
    void shouldImportOnlyWhatExists() throws Exception {
        for (String snippet : KernelLibExtension.IMPORTS) {
            String name = snippet.replaceFirst("^import (static )?", "").replaceFirst(";$", "");
            if (name.endsWith(".*")) {
                continue; // a package; checked by the notebook tests that use it
            }
            Class.forName(name); // throws if an import names a class that is not there
        }
    }

    /** Packages a cell may well import whole, beside the ones JShell and JJava import. */
    private static final List<String> JDK_PACKAGES = List.of("java.lang", "java.util", "java.util.concurrent",
            "java.util.concurrent.locks", "java.util.function", "java.util.stream", "java.util.regex", "java.io",
            "java.nio", "java.nio.channels", "java.nio.file", "java.net", "java.math", "java.time", "java.sql", "java.awt");

    /**
     * A kernel-lib package imported whole gives its types the weakest claim on a name: where a JDK
     * package a cell imports whole has a type of the same name, neither would win. Such a type must
     * be imported by name too (as Lock, Semaphore and Queue are).
     */
    @Test
    void shouldImportByNameEveryTypeOfAWholePackageWhoseNameTheJdkAlsoUses() throws Exception {
        Path root = Path.of(Multiprocessing.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> unclaimed = new ArrayList<>();
        for (String snippet : KernelLibExtension.IMPORTS) {
            if (!snippet.startsWith("import org.kernellib.") || !snippet.endsWith(".*;")) {
                continue;
            }
            String pkg = snippet.substring("import ".length(), snippet.length() - ".*;".length());
            Path dir = root.resolve(pkg.replace('.', '/'));
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String file = f.getFileName().toString();
                    if (!file.endsWith(".class") || file.contains("$")) {
                        continue;
                    }
                    String simple = file.substring(0, file.length() - ".class".length());
                    if (!Modifier.isPublic(Class.forName(pkg + "." + simple, false, getClass().getClassLoader()).getModifiers())) {
                        continue;
                    }
                    for (String jdk : JDK_PACKAGES) {
                        if (exists(jdk + "." + simple) && !KernelLibExtension.IMPORTS.contains("import " + pkg + "." + simple + ";")) {
                            unclaimed.add(pkg + "." + simple + " (also " + jdk + "." + simple + ")");
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), unclaimed, "types that need an import by name");
    }

    private static boolean exists(final String className) {
        try {
            Class.forName(className, false, ClassLoader.getSystemClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
