package org.kernellib.mp.serial;

import java.net.URISyntaxException;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parent side: which class path entry each of the task's own classes was loaded from, so the
 * worker can load them from there without searching every entry before it (see the worker's
 * {@code ClassPathLoader}). Only classes from entries the worker has, unsigned, and not sent
 * ahead as snippet classes are listed.
 */
final class ClassLocations {
    private ClassLocations() {
    }

    static Map<String, String> of(final Collection<String> classNames, final Collection<ClassLoader> loaders,
            final List<String> classPath, final Set<String> sentAhead) {
        Set<String> entries = new HashSet<>(classPath);
        Map<String, String> found = new LinkedHashMap<>();
        for (String name : classNames) {
            if (sentAhead.contains(name) || name.startsWith("java.") || name.startsWith("[")) {
                continue;
            }
            Class<?> c = find(name, loaders);
            String entry = c == null ? null : entryOf(c);
            if (entry != null && entries.contains(entry)) {
                found.put(name, entry);
            }
        }
        return found;
    }

    private static Class<?> find(final String name, final Collection<ClassLoader> loaders) {
        for (ClassLoader l : loaders) {
            try {
                return Class.forName(name, false, l);
            } catch (ClassNotFoundException | LinkageError e) {
                // try the next loader
            }
        }
        return null;
    }

    /**
     * A class's entry, worked out once per class (it never changes): turning its code source's URL
     * into a path at every call was a sixth of the kernel's work to prepare a trivial pool call.
     */
    private static final ClassValue<Optional<String>> ENTRY = new ClassValue<>() {
        @Override
        protected Optional<String> computeValue(final Class<?> c) {
            return Optional.ofNullable(locate(c));
        }
    };

    private static String entryOf(final Class<?> c) {
        return ENTRY.get(c).orElse(null);
    }

    private static String locate(final Class<?> c) {
        try {
            CodeSource cs = c.getProtectionDomain().getCodeSource();
            if (cs == null || cs.getLocation() == null || cs.getCodeSigners() != null
                    || !"file".equals(cs.getLocation().getProtocol())) {
                return null;
            }
            return Paths.get(cs.getLocation().toURI()).toString();
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
