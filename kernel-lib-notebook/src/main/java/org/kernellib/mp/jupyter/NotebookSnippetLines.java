package org.kernellib.mp.jupyter;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SourceCodeAnalysis;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.kernellib.mp.serial.SnippetLines;

/**
 * The kernel's side of {@link SnippetLines}: asks the kernel's JShell where each line of a
 * wrapper class was written, through JShell's public {@link SourceCodeAnalysis#wrapper} (the
 * wrapped source it compiled, and positions mapped back to the snippet's), the way JShell itself
 * turns {@code $JShell$12.java:7} into {@code #12:3} for exceptions thrown in the kernel.
 */
final class NotebookSnippetLines implements Function<String, SnippetLines> {
    private final JShell shell;
    private final Map<String, SnippetLines> known = new ConcurrentHashMap<>();

    private NotebookSnippetLines(final JShell shell) {
        this.shell = shell;
    }

    /** The lookup for {@code kernel}'s JShell; null for a kernel that does not expose one. */
    static NotebookSnippetLines of(final BaseKernel kernel) {
        try {
            Object shell = kernel.getClass().getMethod("getJShell").invoke(kernel);
            return shell instanceof JShell ? new NotebookSnippetLines((JShell) shell) : null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    @Override
    public SnippetLines apply(final String wrapperClass) {
        SnippetLines l = known.get(wrapperClass);
        if (l != null) {
            return l;
        }
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        for (Snippet s : shell.snippets().toList()) {
            SourceCodeAnalysis.SnippetWrapper w = analysis.wrapper(s);
            if (wrapperClass.equals(w.fullClassName())) {
                l = new SnippetLines(s.id(), lines(w));
                known.put(wrapperClass, l);
                return l;
            }
        }
        return null;
    }

    /** For each line of the wrapper, the snippet line its first non-blank character came from. */
    static int[] lines(final SourceCodeAnalysis.SnippetWrapper w) {
        String wrapped = w.wrapped();
        String source = w.source();
        String[] wrappedLines = wrapped.split("\n", -1);
        int[] out = new int[wrappedLines.length];
        int start = 0;
        for (int i = 0; i < wrappedLines.length; i++) {
            String line = wrappedLines[i];
            int k = 0;
            while (k < line.length() && Character.isWhitespace(line.charAt(k))) {
                k++;
            }
            if (k < line.length()) {
                int at = w.wrappedToSourcePosition(start + k);
                if (at >= 0 && at < source.length()) {
                    out[i] = 1 + (int) source.substring(0, at).chars().filter(c -> c == '\n').count();
                }
            }
            start += line.length() + 1;
        }
        return out;
    }
}
