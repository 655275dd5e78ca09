package org.kernellib.mp.serial;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A worker's exception as a learner should read it: frames of notebook code named the way JJava
 * names them in the kernel ({@code boom(#34:2)}, snippet 34, its line 2, with the help of
 * {@link SnippetLines}); each run of kernel-lib's and reflection's frames between the worker's
 * {@code main} and the task folded into one line {@code ... 6 frames in kernel-lib};
 * JDK frames where the error was raised kept; causes and suppressed exceptions kept, with the
 * frames they share with the enclosing trace elided as Java does ({@code ... 3 more}).
 */
public final class CellTrace {
    /**
     * What lies between a worker's {@code main} and its task: how workers start and run tasks,
     * how tasks travel, reflection. The rest of kernel-lib (a queue's {@code get}, a lock) stays
     * visible, as JDK frames do: it is where the task called and the error was raised.
     */
    private static final String[] PLUMBING = {"org.kernellib.mp.start.", "org.kernellib.mp.serial.",
        "org.kernellib.mp.pool.PoolWorkerLoop", "org.kernellib.mp.pool.MethodFunction", "java.lang.reflect.",
        "jdk.internal.reflect.", "sun.reflect.", "jdk.proxy"};

    private CellTrace() {
    }

    /** The trace of {@code e}, one line per frame shown, each line ending in a newline. */
    public static String render(final Throwable e, final Map<String, SnippetLines> snippets) {
        StringBuilder out = new StringBuilder();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        write(out, e, new StackTraceElement[0], "", "", snippets, seen);
        return out.toString();
    }

    private static void write(final StringBuilder out, final Throwable t, final StackTraceElement[] enclosing,
            final String caption, final String prefix, final Map<String, SnippetLines> snippets,
            final Set<Throwable> seen) {
        if (!seen.add(t)) {
            out.append(prefix).append(caption).append("[CIRCULAR REFERENCE: ").append(describe(t)).append("]\n");
            return;
        }
        StackTraceElement[] trace = t.getStackTrace();
        int m = trace.length - 1;
        for (int n = enclosing.length - 1; m >= 0 && n >= 0 && trace[m].equals(enclosing[n]); n--) {
            m--;
        }
        int inCommon = trace.length - 1 - m;
        out.append(prefix).append(caption).append(describe(t)).append('\n');
        int folded = 0;
        for (int i = 0; i <= m; i++) {
            if (isPlumbing(trace[i].getClassName())) {
                folded++;
                continue;
            }
            fold(out, prefix, folded);
            folded = 0;
            out.append(prefix).append("\tat ").append(frame(trace[i], snippets)).append('\n');
        }
        fold(out, prefix, folded);
        if (inCommon != 0) {
            out.append(prefix).append("\t... ").append(inCommon).append(" more\n");
        }
        for (Throwable s : t.getSuppressed()) {
            write(out, s, trace, "Suppressed: ", prefix + "\t", snippets, seen);
        }
        Throwable cause = t.getCause();
        if (cause != null) {
            write(out, cause, trace, "Caused by: ", prefix, snippets, seen);
        }
    }

    private static void fold(final StringBuilder out, final String prefix, final int frames) {
        if (frames > 0) {
            out.append(prefix).append("\t... ").append(frames).append(frames == 1 ? " frame" : " frames")
                    .append(" in kernel-lib\n");
        }
    }

    static boolean isPlumbing(final String className) {
        for (String p : PLUMBING) {
            if (className.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** {@code Boom: message} for a class written in the notebook, else as Java writes it. */
    private static String describe(final Throwable t) {
        String s = t.toString();
        String cls = t.getClass().getName();
        String wrapper = SnippetLines.wrapperOf(cls);
        return wrapper == null ? s : shortName(cls, wrapper) + s.substring(cls.length());
    }

    /** One frame: JJava's form for notebook code, Java's (without class loader names) for the rest. */
    static String frame(final StackTraceElement e, final Map<String, SnippetLines> snippets) {
        String cls = e.getClassName();
        String wrapper = SnippetLines.wrapperOf(cls);
        if (wrapper == null) {
            String s = e.toString();
            String loader = e.getClassLoaderName();
            if (loader != null && s.startsWith(loader + "/")) {
                s = s.substring(loader.length() + 1);
                if (s.startsWith("/")) {
                    s = s.substring(1); // no module either
                }
            }
            return s;
        }
        // JShell's names: the wrapper's own methods have no class; do_it$ is the snippet's statements.
        String method = "do_it$".equals(e.getMethodName()) ? "" : e.getMethodName();
        SnippetLines lines = snippets.get(wrapper);
        int line = lines == null ? 0 : lines.lineOf(e.getLineNumber());
        String where = line > 0 ? lines.file() + ":" + line
                : e.getFileName() == null ? "Unknown Source" : e.getFileName() + ":" + e.getLineNumber();
        return shortName(cls, wrapper) + "." + method + "(" + where + ")";
    }

    /** {@code Boom} for {@code REPL.$JShell$10$Boom}; empty for the wrapper itself, as JShell shows it. */
    private static String shortName(final String cls, final String wrapper) {
        return cls.length() > wrapper.length() ? cls.substring(wrapper.length() + 1) : "";
    }
}
