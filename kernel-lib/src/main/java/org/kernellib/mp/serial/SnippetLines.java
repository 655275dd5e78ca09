package org.kernellib.mp.serial;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Which line of which snippet each line of a JShell wrapper class was written on, so that a
 * worker names a frame of notebook code the way JJava names it in the kernel: {@code #12:3}
 * (snippet 12, its line 3) rather than {@code $JShell$12.java:7}, a line of a wrapper the learner
 * never saw. Only the kernel knows the wrappers (through JShell); the kernel extension installs
 * the lookup, and each task carries the maps of the snippet classes it reaches.
 */
public final class SnippetLines {
    /** The package and class-name prefix of every JShell wrapper class. */
    static final String WRAPPER_PREFIX = "REPL.$JShell$";

    /**
     * An anonymous class, not {@code name -> null}: every worker initialises this class as it reads
     * its task, and a JVM's first lambda costs milliseconds of bootstrap on its start-up path.
     */
    private static volatile Function<String, SnippetLines> lookup = new Function<String, SnippetLines>() {
        @Override
        public SnippetLines apply(final String name) {
            return null;
        }
    };
    /**
     * In a worker, the maps that came with its tasks: a task there that starts a worker of its own
     * hands them on, so that worker's traces name notebook lines too.
     */
    private static final Map<String, SnippetLines> RECEIVED = new ConcurrentHashMap<>();

    private final String snippetId;
    /** Index: wrapper line - 1; value: line within the snippet, 1-based, or 0 when not the snippet's. */
    private final int[] snippetLine;

    public SnippetLines(final String snippetId, final int[] snippetLine) {
        this.snippetId = Objects.requireNonNull(snippetId, "snippetId");
        this.snippetLine = snippetLine.clone();
    }

    /**
     * Installs where maps come from: given a wrapper class's binary name ({@code REPL.$JShell$12}),
     * its map, or null. The kernel extension does this once.
     */
    public static void lookUpBy(final Function<String, SnippetLines> f) {
        lookup = Objects.requireNonNull(f, "f");
    }

    /** The maps of the wrapper classes among {@code classNames} (nested classes count as their wrapper). */
    static Map<String, SnippetLines> of(final Collection<String> classNames) {
        Map<String, SnippetLines> maps = new HashMap<>();
        for (String n : classNames) {
            String outer = wrapperOf(n);
            if (outer != null && !maps.containsKey(outer)) {
                SnippetLines m;
                try {
                    m = lookup.apply(outer);
                } catch (RuntimeException e) {
                    m = null; // a trace with wrapper lines is still a trace
                }
                if (m == null) {
                    m = RECEIVED.get(outer);
                }
                if (m != null) {
                    maps.put(outer, m);
                }
            }
        }
        return maps;
    }

    /** Worker side: keeps the maps a task brought, for the tasks this worker starts (see RECEIVED). */
    static void received(final Map<String, SnippetLines> maps) {
        RECEIVED.putAll(maps);
    }

    /** {@code REPL.$JShell$12} for {@code REPL.$JShell$12$Boom}; null for a class of no snippet. */
    static String wrapperOf(final String className) {
        if (!className.startsWith(WRAPPER_PREFIX)) {
            return null;
        }
        int end = WRAPPER_PREFIX.length();
        while (end < className.length() && Character.isDigit(className.charAt(end))) {
            end++;
        }
        return end == WRAPPER_PREFIX.length() ? null : className.substring(0, end);
    }

    /** JJava's file name for the snippet: {@code #12}. */
    String file() {
        return "#" + snippetId;
    }

    /** The line within the snippet of a line of its wrapper, or 0 when unknown. */
    int lineOf(final int wrapperLine) {
        return wrapperLine >= 1 && wrapperLine <= snippetLine.length ? snippetLine[wrapperLine - 1] : 0;
    }

    void writeTo(final DataOutputStream out) throws IOException {
        out.writeUTF(snippetId);
        out.writeInt(snippetLine.length);
        for (int l : snippetLine) {
            out.writeShort(Math.min(l, Short.MAX_VALUE));
        }
    }

    static SnippetLines readFrom(final DataInputStream in) throws IOException {
        String id = in.readUTF();
        int[] lines = new int[in.readInt()];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = in.readShort();
        }
        return new SnippetLines(id, lines);
    }
}
