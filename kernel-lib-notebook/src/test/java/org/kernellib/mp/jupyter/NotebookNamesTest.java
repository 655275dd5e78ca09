package org.kernellib.mp.jupyter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Executable;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import org.junit.jupiter.api.Test;
import org.kernellib.mp.Multiprocessing;
import org.kernellib.mp.process.Process;

/**
 * A cell can write by its simple name every type of kernel-lib a notebook meets: what the
 * factories and the objects they make return, take and throw, and every public exception type.
 * Checked in a JShell with JJava's own start-up imports (java.util.concurrent.* among them, whose
 * BrokenBarrierException must not win) and then the extension's.
 */
class NotebookNamesTest {
    /** The start-up imports of JJava's own extension (org.dflib.jjava.JJavaExtension). */
    private static final List<String> JJAVA_IMPORTS = List.of("import java.util.*;", "import java.io.*;",
            "import java.math.*;", "import java.net.*;", "import java.time.*;", "import java.util.concurrent.*;",
            "import java.util.prefs.*;", "import java.util.regex.*;");

    @Test
    void shouldNameEveryTypeANotebookMeetsWithoutAnImport() throws Exception {
        Set<Class<?>> types = reachableFrom(Multiprocessing.class, Process.class);
        types.addAll(publicThrowables());
        types.remove(Multiprocessing.class); // its members are imported statically; its name is not needed
        assertTrue(types.size() > 30, "the scan found too little: " + types);
        try (JShell shell = JShell.builder().executionEngine("local").build()) {
            shell.addToClasspath(System.getProperty("java.class.path"));
            for (String s : JJAVA_IMPORTS) {
                eval(shell, s);
            }
            for (String s : KernelLibExtension.IMPORTS) {
                eval(shell, s);
            }
            // One snippet for all (each snippet is a compilation); one per type only to say which failed.
            String all = types.stream().map(c -> c.getSimpleName() + ".class.getName()")
                    .collect(Collectors.joining(", ", "String.join(\",\", ", ")"));
            String expected = types.stream().map(Class::getName).collect(Collectors.joining(",", "\"", "\""));
            if (expected.equals(eval(shell, all))) {
                return;
            }
            List<String> wrong = new ArrayList<>();
            for (Class<?> c : types) {
                String got = eval(shell, c.getSimpleName() + ".class.getName()");
                if (!("\"" + c.getName() + "\"").equals(got)) {
                    wrong.add(c.getSimpleName() + " -> " + got + " (expected " + c.getName() + ")");
                }
            }
            assertEquals(List.of(), wrong, "names a cell cannot write, or that mean another type");
        }
    }

    /** The value of a snippet, or what went wrong with it. */
    private static String eval(final JShell shell, final String code) {
        for (SnippetEvent e : shell.eval(code)) {
            if (e.status() == Snippet.Status.REJECTED) {
                return "rejected: " + shell.diagnostics(e.snippet()).map(d -> d.getMessage(null))
                        .collect(Collectors.joining("; "));
            }
            if (e.exception() != null) {
                return "threw " + e.exception();
            }
            if (e.causeSnippet() == null) {
                return e.value();
            }
        }
        return null;
    }

    /**
     * The public kernel-lib types in the public signatures of {@code roots}, and of those types,
     * and so on: what a notebook that starts from the static imports and {@code new Process} meets.
     */
    private static Set<Class<?>> reachableFrom(final Class<?>... roots) {
        Set<Class<?>> seen = new java.util.LinkedHashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(roots));
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            if (!seen.add(c)) {
                continue;
            }
            List<Executable> members = new ArrayList<>(List.of(c.getMethods()));
            members.addAll(List.of(c.getConstructors()));
            for (Executable m : members) {
                List<Type> ts = new ArrayList<>(List.of(m.getGenericParameterTypes()));
                ts.addAll(List.of(m.getGenericExceptionTypes()));
                if (m instanceof Method) {
                    ts.add(((Method) m).getGenericReturnType());
                }
                for (Type t : ts) {
                    collect(t, todo);
                }
            }
        }
        return seen;
    }

    private static void collect(final Type t, final Deque<Class<?>> into) {
        if (t instanceof Class<?>) {
            Class<?> c = (Class<?>) t;
            while (c.isArray()) {
                c = c.getComponentType();
            }
            if (c.getName().startsWith("org.kernellib.mp.") && Modifier.isPublic(c.getModifiers())
                    && c.getEnclosingClass() == null) {
                into.add(c);
            }
        } else if (t instanceof ParameterizedType) {
            collect(((ParameterizedType) t).getRawType(), into);
            for (Type a : ((ParameterizedType) t).getActualTypeArguments()) {
                collect(a, into);
            }
        } else if (t instanceof GenericArrayType) {
            collect(((GenericArrayType) t).getGenericComponentType(), into);
        } else if (t instanceof WildcardType) {
            for (Type b : ((WildcardType) t).getUpperBounds()) {
                collect(b, into);
            }
        }
    }

    /** Every public top-level Throwable of kernel-lib, found in its compiled classes. */
    private static Set<Class<?>> publicThrowables() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(Multiprocessing.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.map(p -> root.relativize(p).toString()).filter(n -> n.endsWith(".class") && !n.contains("$"))
                    .forEach(n -> names.add(n.substring(0, n.length() - ".class".length()).replace('/', '.')));
        }
        Set<Class<?>> out = new java.util.LinkedHashSet<>();
        for (String n : names) {
            Class<?> c = Class.forName(n, false, NotebookNamesTest.class.getClassLoader());
            if (Throwable.class.isAssignableFrom(c) && Modifier.isPublic(c.getModifiers())) {
                out.add(c);
            }
        }
        return out;
    }
}
