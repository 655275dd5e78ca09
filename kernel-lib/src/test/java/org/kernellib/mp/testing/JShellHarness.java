package org.kernellib.mp.testing;

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
 * this JVM's class path on its compile class path: for tests of notebook-style code (cell
 * methods, records, top-level variables). kernel-lib-cluster's tests use it too, through
 * kernel-lib's test jar.
 */
public final class JShellHarness implements AutoCloseable {
    /** The imports of the process tests: what a notebook cell that starts processes has. */
    public static final String[] PROCESS_IMPORTS = {"java.util.*", "org.kernellib.mp.process.Process",
        "static org.kernellib.mp.Multiprocessing.*"};

    private final JShell shell;

    /** A fresh shell that has made {@code imports} (each as {@code import} takes it, e.g. {@code "java.util.*"}). */
    public JShellHarness(final String... imports) {
        shell = JShell.builder().executionEngine("local").build();
        // For compilation; at run time the snippet loader delegates to the application loader
        // first, so these classes still come from the test class path.
        shell.addToClasspath(System.getProperty("java.class.path"));
        for (String i : imports) {
            eval("import " + i + ";");
        }
    }

    /** Like JJava's {@code %classpath}: the jar is added to the snippet loader, not the JVM's class path. */
    public void addToClasspath(final String jar) {
        shell.addToClasspath(jar);
    }

    /**
     * Evaluates the snippets in {@code code} (JShell's eval takes one at a time, so the input is
     * split as the JShell tool does); fails the test on a compile error or an exception. Returns
     * the value of the last one.
     */
    public String eval(final String code) {
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
    public String evalFailure(final String code) {
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
