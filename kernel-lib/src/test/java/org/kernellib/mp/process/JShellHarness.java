package org.kernellib.mp.process;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

/**
 * A JShell that executes snippets in this JVM ("local" engine), as the JJava kernel does, with
 * kernel-lib on its compile class path and the notebook imports already made.
 */
final class JShellHarness implements AutoCloseable {
    private final JShell shell;

    JShellHarness() {
        shell = JShell.builder().executionEngine("local").build();
        // For compilation; at run time the snippet loader delegates to the application loader
        // first, so these classes still come from the test class path.
        shell.addToClasspath(System.getProperty("java.class.path"));
        eval("import java.util.*;");
        eval("import org.kernellib.mp.process.Process;");
        eval("import static org.kernellib.mp.Multiprocessing.*;");
    }

    /** Like JJava's {@code %classpath}: the jar is added to the snippet loader, not the JVM's class path. */
    void addToClasspath(final String jar) {
        shell.addToClasspath(jar);
    }

    /**
     * Evaluates the snippets in {@code code} (JShell's eval takes one at a time, so the input is
     * split as the JShell tool does); fails the test on a compile error or an exception. Returns
     * the value of the last one.
     */
    String eval(final String code) {
        String value = null;
        for (String snippet : split(code)) {
            value = evalOne(snippet);
        }
        return value;
    }

    private List<String> split(final String code) {
        List<String> out = new ArrayList<>();
        String rest = code;
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = shell.sourceCodeAnalysis().analyzeCompletion(rest);
            if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                break;
            }
            if (!info.completeness().isComplete()) {
                out.add(rest);
                break;
            }
            out.add(info.source());
            rest = info.remaining();
        }
        return out;
    }

    private String evalOne(final String code) {
        List<SnippetEvent> events = shell.eval(code);
        String value = null;
        for (SnippetEvent e : events) {
            if (e.exception() != null) {
                throw new AssertionError("snippet threw: " + describe(e.exception()) + "\n" + code, e.exception());
            }
            if (e.status() == Snippet.Status.REJECTED) {
                String diags = shell.diagnostics(e.snippet()).map(Diag::toString)
                        .collect(Collectors.joining("; "));
                throw new AssertionError("snippet rejected: " + diags + "\n" + code);
            }
            if (e.causeSnippet() == null) {
                value = e.value();
            }
        }
        return value;
    }

    /** Evaluates a snippet expected to throw; returns the exception's class name and message. */
    String evalFailure(final String code) {
        for (String snippet : split(code)) {
            for (SnippetEvent e : shell.eval(snippet)) {
                if (e.exception() != null) {
                    return describe(e.exception());
                }
            }
        }
        throw new AssertionError("snippet did not throw: " + code);
    }

    private static String describe(final Exception e) {
        if (e instanceof EvalException) {
            return ((EvalException) e).getExceptionClassName() + ": " + e.getMessage();
        }
        return e.toString();
    }

    @Override
    public void close() {
        shell.close();
    }
}
