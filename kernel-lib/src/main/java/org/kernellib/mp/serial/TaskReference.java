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
 * arguments by value. A {@link Task} takes no parameters beyond the captured values; a pool's
 * function ({@code pool.SerializableFunction}) takes one more, the item, of any reference type
 * ({@link #parameters} says how many the method takes beyond the captures). Reading it back
 * needs no object stream and no lambda bootstrap, which in a fresh JVM cost about 30 ms together, as much as the rest of a cold start. Any other task (one
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
 * @param parameters how many parameters the method takes after the captured values: 0 for a
 *     {@link Task}, 1 for a pool's function (its item)
 */
public record TaskReference(String implClass, String method, String descriptor, List<Object> arguments,
        int parameters) {
    private static final String TASK_INTERFACE = Task.class.getName().replace('.', '/');
    /**
     * The pool's function interface, by name: the pool package uses this one, not the other way
     * round (a pool test checks the name). Its one method takes the item.
     */
    static final String POOL_FUNCTION_INTERFACE = "org/kernellib/mp/pool/SerializableFunction";
    /** Longest captured string sent by name (modified UTF-8 takes up to three bytes a char). */
    private static final int MAX_STRING = 20_000;
    private static final Set<String> VALUE_CLASSES = Set.of("java/lang/Boolean", "java/lang/Byte",
            "java/lang/Character", "java/lang/Short", "java/lang/Integer", "java/lang/Long", "java/lang/Float",
            "java/lang/Double", "java/lang/String");

    public TaskReference {
        arguments = Collections.unmodifiableList(new ArrayList<>(arguments)); // nulls allowed
    }

    /** A {@link Task}'s reference: every parameter of the method is a captured value. */
    public TaskReference(final String implClass, final String method, final String descriptor,
            final List<Object> arguments) {
        this(implClass, method, descriptor, arguments, 0);
    }

    /** The reference form of {@code lambda}, if it has one. */
    static Optional<TaskReference> of(final SerializedLambda lambda) {
        if (lambda == null || lambda.getImplMethodKind() != MethodHandleInfo.REF_invokeStatic) {
            return Optional.empty();
        }
        int parameters;
        if (TASK_INTERFACE.equals(lambda.getFunctionalInterfaceClass())) {
            parameters = 0;
        } else if (POOL_FUNCTION_INTERFACE.equals(lambda.getFunctionalInterfaceClass())) {
            parameters = 1;
        } else {
            return Optional.empty();
        }
        List<String> all = descriptorParameters(lambda.getImplMethodSignature());
        if (all.size() != lambda.getCapturedArgCount() + parameters) {
            return Optional.empty();
        }
        for (String item : all.subList(all.size() - parameters, all.size())) {
            if (item.length() == 1) {
                // a primitive item (a method reference such as Math::abs) stays serialized, so
                // that what a null or a wrong item does is the lambda's own unboxing
                return Optional.empty();
            }
        }
        List<String> params = valueTypes(all.subList(0, all.size() - parameters));
        if (params == null) {
            return Optional.empty(); // a captured value that is not a string or a primitive
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
                lambda.getImplMethodSignature(), args, parameters));
    }

    /** A method descriptor's parameter types as written in it: {@code I}, {@code Ljava/lang/String;}, {@code [J}. */
    static List<String> descriptorParameters(final String descriptor) {
        List<String> out = new ArrayList<>();
        int i = 1;
        while (i < descriptor.length() && descriptor.charAt(i) != ')') {
            int start = i;
            while (descriptor.charAt(i) == '[') {
                i++;
            }
            i = descriptor.charAt(i) == 'L' ? descriptor.indexOf(';', i) + 1 : i + 1;
            out.add(descriptor.substring(start, i));
        }
        return out;
    }


    /**
     * Parameter types as {@link #descriptorParameters} gives them, each a primitive's letter or the
     * internal name of a string or box type; null if any other type appears. (No string
     * concatenation here or in {@link #method}: a worker resolves its task with them, and its first
     * concatenation of a shape costs a fresh JVM the bootstrap of StringConcatFactory, ~20 ms.)
     */
    static List<String> valueTypes(final List<String> descriptors) {
        List<String> out = new ArrayList<>(descriptors.size());
        for (String d : descriptors) {
            if (d.length() == 1) {
                out.add(d);
            } else if (d.charAt(0) == 'L' && VALUE_CLASSES.contains(d.substring(1, d.length() - 1))) {
                out.add(d.substring(1, d.length() - 1));
            } else {
                return null; // an array, or an object that is not a value
            }
        }
        return out;
    }

    void writeTo(final DataOutputStream out) throws IOException {
        out.writeUTF(implClass);
        out.writeUTF(method);
        out.writeUTF(descriptor);
        out.writeByte(parameters);
        out.writeInt(arguments.size());
        for (Object a : arguments) {
            writeValue(out, a);
        }
    }

    static TaskReference readFrom(final DataInputStream in) throws IOException {
        String cls = in.readUTF();
        String m = in.readUTF();
        String d = in.readUTF();
        int parameters = in.readByte();
        int n = in.readInt();
        List<Object> args = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            args.add(readValue(in));
        }
        return new TaskReference(cls, m, d, args, parameters);
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
        if (parameters != 0) {
            throw new NoSuchMethodException(implClass + "." + method + descriptor + " is a function of "
                    + parameters + " parameter(s), not a task");
        }
        return new Call(method(loader), arguments.toArray());
    }

    /**
     * Worker side: the method, accessible, with its class and the types of the parameters after
     * the captured values loaded through {@code loader}.
     */
    public Method method(final ClassLoader loader) throws ClassNotFoundException, NoSuchMethodException {
        Class<?> c = Class.forName(implClass, false, loader);
        List<String> all = descriptorParameters(descriptor);
        int captured = all.size() - parameters;
        List<String> params = captured < 0 ? null : valueTypes(all.subList(0, captured));
        if (params == null) {
            throw new NoSuchMethodException(implClass + "." + method + descriptor + " (parameters not sendable by name)");
        }
        Class<?>[] types = new Class<?>[all.size()];
        for (int i = 0; i < captured; i++) {
            types[i] = typeOf(params.get(i));
        }
        for (int i = captured; i < types.length; i++) {
            String d = all.get(i);
            // an object type by its binary name, an array type by its descriptor with dots
            String name = d.charAt(0) == 'L' ? d.substring(1, d.length() - 1).replace('/', '.') : d.replace('/', '.');
            types[i] = Class.forName(name, false, loader);
        }
        Method m = c.getDeclaredMethod(method, types);
        m.setAccessible(true);
        return m;
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
