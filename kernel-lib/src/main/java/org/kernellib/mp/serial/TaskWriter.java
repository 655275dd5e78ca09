package org.kernellib.mp.serial;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Serializes a task (usually a lambda or method reference) and records every class that went into
 * the stream, including a lambda's capturing and implementation classes, which Java serialization
 * writes only as names inside {@link SerializedLambda}. Those classes are where the search for
 * snippet state starts. A failure names the captured value that could not be serialized.
 */
public final class TaskWriter {
    /**
     * The stream bytes, the classes met on the way and their loaders, and where the code the task
     * runs begins: the implementation method of every lambda or method reference written, and the
     * classes of the other objects written (any of whose methods may run).
     */
    public record Written(byte[] bytes, Set<String> classNames, Set<ClassLoader> loaders,
            Set<ClassReferences.MethodRef> lambdaMethods, Set<String> objectClasses, SerializedLambda lambda) {

        /** The by-name form of the task (see {@link TaskReference}), if it has one. */
        java.util.Optional<TaskReference> reference() {
            return TaskReference.of(lambda);
        }
    }

    private TaskWriter() {
    }

    public static Written write(final Serializable task) {
        Set<String> names = new LinkedHashSet<>();
        Set<ClassLoader> loaders = new LinkedHashSet<>();
        addLoader(loaders, task.getClass().getClassLoader());
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        Recording out;
        try (Recording recording = new Recording(bos, names, loaders)) {
            out = recording;
            out.writeObject(task);
        } catch (IOException e) {
            throw new IllegalArgumentException(describeFailure(task, e), e);
        }
        return new Written(bos.toByteArray(), names, loaders, out.lambdaMethods, out.objectClasses, out.task);
    }

    static void addLoader(final Set<ClassLoader> loaders, final ClassLoader l) {
        if (l != null && l != ClassLoader.getPlatformClassLoader()) {
            loaders.add(l);
        }
    }

    /** Serializes one value as a snapshot does, throwing what serialization throws; used to find the culprit. */
    static void trySerialize(final Object value) throws IOException {
        trySerialize(value, false);
    }

    private static void trySerialize(final Object value, final boolean refuseProcessLocal) throws IOException {
        try (ObjectOutputStream out = new SnippetAwareObjectOutputStream(OutputStream.nullOutputStream(), refuseProcessLocal)) {
            out.writeObject(value);
        }
    }

    private static String describeFailure(final Serializable task, final IOException e) {
        SerializedLambda lambda = serializedLambda(task);
        if (lambda != null) {
            for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
                Object arg = lambda.getCapturedArg(i);
                try {
                    trySerialize(arg, true);
                } catch (IOException failure) {
                    String what = i == 0 && arg != null && lambda.getImplMethodKind() != 6 /* static */
                            && arg.getClass().getName().equals(lambda.getImplClass().replace('/', '.'))
                            ? "'this' (the enclosing object)" : "captured value #" + (i + 1);
                    return "the task cannot be sent to the worker: it captures " + what + " of type "
                            + (arg == null ? "null" : arg.getClass().getName()) + " (lambda "
                            + lambda.getImplClass().replace('/', '.') + "." + lambda.getImplMethodName()
                            + "), which cannot be serialized: " + failure + ". " + (failure instanceof SnippetAwareObjectOutputStream.Refused
                                    ? "A " + failure.getMessage().substring(failure.getMessage().lastIndexOf('.') + 1) + " belongs to the process that made it and cannot be sent to"
                                            + " another: create one inside the task, or pass the task the data instead."
                                    : "Captured values are copied into the worker with Java serialization: "
                                            + "make the class Serializable, or create the value inside the task.");
                }
            }
        }
        return "the task of class " + task.getClass().getName()
                + " cannot be sent to the worker, because serializing it failed: " + e
                + ". Everything the task refers to is copied with Java serialization.";
    }

    private static SerializedLambda serializedLambda(final Object task) {
        try {
            Method m = task.getClass().getDeclaredMethod("writeReplace");
            m.setAccessible(true);
            Object r = m.invoke(task);
            return r instanceof SerializedLambda ? (SerializedLambda) r : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** An object stream that notes every class it writes. */
    private static final class Recording extends SnippetAwareObjectOutputStream {
        private final Set<String> names;
        private final Set<ClassLoader> loaders;
        private final Set<ClassReferences.MethodRef> lambdaMethods = new LinkedHashSet<>();
        private final Set<String> objectClasses = new LinkedHashSet<>();
        /**
         * What the task's {@code writeReplace} gave, when it is a lambda's: the first object the
         * stream replaces is the task's (asking the lambda again is a reflective call each time,
         * since the JDK never inflates one on a hidden class).
         */
        private SerializedLambda task;
        private boolean first = true;

        Recording(final OutputStream out, final Set<String> names, final Set<ClassLoader> loaders) throws IOException {
            super(out, true); // what the task captures, it uses: a pool among it is refused now
            this.names = names;
            this.loaders = loaders;
        }

        @Override
        protected void annotateClass(final Class<?> cl) {
            names.add(cl.getName());
            addLoader(loaders, cl.getClassLoader());
        }

        @Override
        protected Object replaceObject(final Object obj) throws IOException {
            if (first) {
                first = false;
                task = obj instanceof SerializedLambda ? (SerializedLambda) obj : null;
            }
            if (obj instanceof SerializedLambda) {
                SerializedLambda sl = (SerializedLambda) obj;
                names.add(sl.getCapturingClass().replace('/', '.'));
                names.add(sl.getImplClass().replace('/', '.'));
                lambdaMethods.add(new ClassReferences.MethodRef(sl.getImplClass().replace('/', '.'),
                        sl.getImplMethodName(), sl.getImplMethodSignature()));
            } else if (obj != null) {
                names.add(obj.getClass().getName());
                objectClasses.add(obj.getClass().getName());
                addLoader(loaders, obj.getClass().getClassLoader());
            }
            return super.replaceObject(obj);
        }
    }
}
