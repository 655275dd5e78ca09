package org.kernellib.mp.serial;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Optional;

import org.kernellib.mp.process.Task;

/**
 * A task sent by name: a method reference to a static method, or a lambda that captures nothing,
 * travels as the class, name and descriptor of the method it calls, the way Python's pickle sends
 * a function by its qualified name. Reading it back needs no object stream and no lambda
 * bootstrap, which in a fresh JVM cost about 30 ms together, as much as the rest of a cold start.
 * Any other task (one that captures values, or whose method takes the receiver) goes through Java
 * serialization as before.
 *
 * <p>In the worker the reference becomes a {@link Task} that calls the method reflectively; an
 * exception the method throws comes out of {@code run()} unwrapped, as from the lambda itself.
 *
 * @param implClass binary name of the class declaring the method (a notebook's snippet wrapper,
 *     or an ordinary class)
 * @param method the method's name ({@code lambda$main$0} for a lambda body)
 * @param descriptor the method's descriptor; always without parameters
 */
public record TaskReference(String implClass, String method, String descriptor) {
    private static final String TASK_INTERFACE = Task.class.getName().replace('.', '/');

    /** The reference form of {@code lambda}, if it has one. */
    static Optional<TaskReference> of(final SerializedLambda lambda) {
        if (lambda == null || !TASK_INTERFACE.equals(lambda.getFunctionalInterfaceClass())
                || lambda.getCapturedArgCount() != 0
                || lambda.getImplMethodKind() != MethodHandleInfo.REF_invokeStatic
                || !lambda.getImplMethodSignature().startsWith("()")) {
            return Optional.empty();
        }
        return Optional.of(new TaskReference(lambda.getImplClass().replace('/', '.'), lambda.getImplMethodName(),
                lambda.getImplMethodSignature()));
    }

    void writeTo(final DataOutputStream out) throws IOException {
        out.writeUTF(implClass);
        out.writeUTF(method);
        out.writeUTF(descriptor);
    }

    static TaskReference readFrom(final DataInputStream in) throws IOException {
        return new TaskReference(in.readUTF(), in.readUTF(), in.readUTF());
    }

    /** Worker side: the runnable task, with the method's class loaded through {@code loader}. */
    public Task resolve(final ClassLoader loader) throws ClassNotFoundException, NoSuchMethodException {
        Class<?> c = Class.forName(implClass, false, loader);
        Method m = c.getDeclaredMethod(method);
        m.setAccessible(true);
        return new Call(m);
    }

    /** The task: one reflective call. Not serializable itself; it lives only in the worker. */
    @SuppressWarnings("serial")
    private static final class Call implements Task {
        private final Method method;

        Call(final Method method) {
            this.method = method;
        }

        @Override
        public void run() throws Exception {
            try {
                method.invoke(null);
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
