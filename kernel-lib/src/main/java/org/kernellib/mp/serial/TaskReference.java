package org.kernellib.mp.serial;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.kernellib.mp.process.Task;

/**
 * A task sent by name: a method reference to a static method, or a lambda whose captured values
 * are all strings or primitives, travels as the class, name and descriptor of the method it calls
 * plus those values, the way Python's pickle sends a function by its qualified name and its
 * arguments by value. Reading it back needs no object stream and no lambda bootstrap, which in a
 * fresh JVM cost about 30 ms together, as much as the rest of a cold start. Any other task (one
 * that captures objects, or whose method takes the receiver) goes through Java serialization.
 *
 * <p>In the worker the reference becomes a {@link Task} that calls the method reflectively with
 * the values; an exception the method throws comes out of {@code run()} unwrapped, as from the
 * lambda itself.
 *
 * @param implClass binary name of the class declaring the method (a notebook's snippet wrapper,
 *     or an ordinary class)
 * @param method the method's name ({@code lambda$main$0} for a lambda body)
 * @param descriptor the method's descriptor; its parameters are the captured values
 * @param arguments the captured values, in order: strings, boxed primitives or nulls
 */
public record TaskReference(String implClass, String method, String descriptor, List<Object> arguments) {
    private static final String TASK_INTERFACE = Task.class.getName().replace('.', '/');
    /** Longest captured string sent by name (modified UTF-8 takes up to three bytes a char). */
    private static final int MAX_STRING = 20_000;
    private static final Set<String> VALUE_CLASSES = Set.of("java/lang/Boolean", "java/lang/Byte",
            "java/lang/Character", "java/lang/Short", "java/lang/Integer", "java/lang/Long", "java/lang/Float",
            "java/lang/Double", "java/lang/String");

    public TaskReference {
        arguments = Collections.unmodifiableList(new ArrayList<>(arguments)); // nulls allowed
    }

    /** The reference form of {@code lambda}, if it has one. */
    static Optional<TaskReference> of(final SerializedLambda lambda) {
        if (lambda == null || !TASK_INTERFACE.equals(lambda.getFunctionalInterfaceClass())
                || lambda.getImplMethodKind() != MethodHandleInfo.REF_invokeStatic) {
            return Optional.empty();
        }
        List<String> params = parameterTypes(lambda.getImplMethodSignature());
        if (params == null || params.size() != lambda.getCapturedArgCount()) {
            return Optional.empty(); // Task.run() takes nothing, so every parameter is a capture
        }
        List<Object> args = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            Object v = lambda.getCapturedArg(i);
            if (v instanceof String && ((String) v).length() > MAX_STRING) {
                return Optional.empty();
            }
            args.add(v);
        }
        return Optional.of(new TaskReference(lambda.getImplClass().replace('/', '.'), lambda.getImplMethodName(),
                lambda.getImplMethodSignature(), args));
    }

    /**
     * The parameter types of a method descriptor, each a primitive's letter or the internal name
     * of a string or box type; null if any other type appears.
     */
    static List<String> parameterTypes(final String descriptor) {
        List<String> out = new ArrayList<>();
        int i = 1;
        while (i < descriptor.length() && descriptor.charAt(i) != ')') {
            char c = descriptor.charAt(i);
            if ("ZBCSIJFD".indexOf(c) >= 0) {
                out.add(String.valueOf(c));
                i++;
            } else if (c == 'L') {
                int end = descriptor.indexOf(';', i);
                String name = descriptor.substring(i + 1, end);
                if (!VALUE_CLASSES.contains(name)) {
                    return null;
                }
                out.add(name);
                i = end + 1;
            } else {
                return null; // an array
            }
        }
        return out;
    }

    void writeTo(final DataOutputStream out) throws IOException {
        out.writeUTF(implClass);
        out.writeUTF(method);
        out.writeUTF(descriptor);
        out.writeInt(arguments.size());
        for (Object a : arguments) {
            writeValue(out, a);
        }
    }

    static TaskReference readFrom(final DataInputStream in) throws IOException {
        String cls = in.readUTF();
        String m = in.readUTF();
        String d = in.readUTF();
        int n = in.readInt();
        List<Object> args = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            args.add(readValue(in));
        }
        return new TaskReference(cls, m, d, args);
    }

    /** One captured value: a tag (a descriptor letter, 'T' for a string, 'N' for null) and the value. */
    private static void writeValue(final DataOutputStream out, final Object v) throws IOException {
        if (v == null) {
            out.writeByte('N');
        } else if (v instanceof String) {
            out.writeByte('T');
            out.writeUTF((String) v);
        } else if (v instanceof Boolean) {
            out.writeByte('Z');
            out.writeBoolean((Boolean) v);
        } else if (v instanceof Byte) {
            out.writeByte('B');
            out.writeByte((Byte) v);
        } else if (v instanceof Character) {
            out.writeByte('C');
            out.writeChar((Character) v);
        } else if (v instanceof Short) {
            out.writeByte('S');
            out.writeShort((Short) v);
        } else if (v instanceof Integer) {
            out.writeByte('I');
            out.writeInt((Integer) v);
        } else if (v instanceof Long) {
            out.writeByte('J');
            out.writeLong((Long) v);
        } else if (v instanceof Float) {
            out.writeByte('F');
            out.writeFloat((Float) v);
        } else if (v instanceof Double) {
            out.writeByte('D');
            out.writeDouble((Double) v);
        } else {
            throw new IOException("not a value a task can capture by name: " + v.getClass().getName());
        }
    }

    private static Object readValue(final DataInputStream in) throws IOException {
        byte tag = in.readByte();
        switch (tag) {
            case 'N': return null;
            case 'T': return in.readUTF();
            case 'Z': return in.readBoolean();
            case 'B': return in.readByte();
            case 'C': return in.readChar();
            case 'S': return in.readShort();
            case 'I': return in.readInt();
            case 'J': return in.readLong();
            case 'F': return in.readFloat();
            case 'D': return in.readDouble();
            default: throw new IOException("corrupt task reference: value tag " + tag);
        }
    }

    /** Worker side: the runnable task, with the method's class loaded through {@code loader}. */
    public Task resolve(final ClassLoader loader) throws ClassNotFoundException, NoSuchMethodException {
        Class<?> c = Class.forName(implClass, false, loader);
        List<String> params = parameterTypes(descriptor);
        if (params == null) {
            throw new NoSuchMethodException(implClass + "." + method + descriptor + " (parameters not sendable by name)");
        }
        Class<?>[] types = new Class<?>[params.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = typeOf(params.get(i));
        }
        Method m = c.getDeclaredMethod(method, types);
        m.setAccessible(true);
        return new Call(m, arguments.toArray());
    }

    private static Class<?> typeOf(final String param) throws ClassNotFoundException {
        switch (param) {
            case "Z": return boolean.class;
            case "B": return byte.class;
            case "C": return char.class;
            case "S": return short.class;
            case "I": return int.class;
            case "J": return long.class;
            case "F": return float.class;
            case "D": return double.class;
            default: return Class.forName(param.replace('/', '.'), false, null); // java.lang only
        }
    }

    /** The task: one reflective call. Not serializable itself; it lives only in the worker. */
    @SuppressWarnings("serial")
    private static final class Call implements Task {
        private final Method method;
        private final Object[] arguments;

        Call(final Method method, final Object[] arguments) {
            this.method = method;
            this.arguments = arguments;
        }

        @Override
        public void run() throws Exception {
            try {
                method.invoke(null, arguments);
            } catch (InvocationTargetException e) {
                throw Call.<Exception>sneaky(e.getCause());
            }
        }

        /** Rethrows any throwable unchanged, as a lambda body would let it through. */
        @SuppressWarnings("unchecked")
        private static <T extends Throwable> T sneaky(final Throwable t) throws T {
            throw (T) t;
        }
    }
}
