package org.kernellib.mp.start;

import java.util.List;

/** Placeholder until the AppCDS archive support lands: no extra flags. */
public final class CdsArchive {
    private CdsArchive() {
    }

    static List<String> flagsFor(final String libraryLocation) {
        return List.of();
    }
}
