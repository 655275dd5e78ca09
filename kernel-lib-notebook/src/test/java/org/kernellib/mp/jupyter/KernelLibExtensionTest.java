package org.kernellib.mp.jupyter;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ServiceLoader;
import org.dflib.jjava.jupyter.Extension;
import org.junit.jupiter.api.Test;

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
}
