package org.kernellib.mp.pool;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.kernellib.mp.serial.TaskReference;

/**
 * A pool's function that came by name ({@link TaskReference} with one parameter after its
 * captured values): each item is one call, through a method handle, of the static method the
 * lambda or method reference stands for. A worker thus needs no object stream and no lambda
 * bootstrap to read the function, which at every call cost a cluster node half of kernel-lib's
 * part of a trivial apply, and a cold local worker its first map's lambda bootstrap. The price:
 * the JIT cannot inline the method into the chunk's loop, ~10 ns more an item than the lambda.
 *
 * <p>It behaves as the lambda would: the item is cast to the method's parameter type (a wrong
 * item raises {@link ClassCastException}), and whatever the method throws comes out as it was
 * thrown. A method handle rather than {@code Method.invoke}: no argument array per item, no
 * wrapping of exceptions, and no accessor class generated after the 15th call on JDK 17.
 * Not serializable itself: it lives only in the worker.
 */
@SuppressWarnings("serial")
final class MethodFunction implements SerializableFunction<Object, Object> {
    private static final MethodType OBJECT_TO_OBJECT = MethodType.methodType(Object.class, Object.class);
    /** The method, its captured values bound, from Object to Object (casting as the lambda does). */
    private final MethodHandle handle;

    private MethodFunction(final MethodHandle handle) {
        this.handle = handle;
    }

    /**
     * Per class, its methods' handles by name and descriptor. A worker decodes every call anew (a
     * loader of its own), but a function whose class is on the class path resolves to the same
     * class each time, and finding the method and making its handle was a sixth of a cluster
     * node's work for a trivial apply. Kept with the class (a {@link ClassValue}), so a snippet
     * class defined for one call takes its entry with it when it goes.
     */
    private static final ClassValue<Map<String, MethodHandle>> HANDLES = new ClassValue<>() {
        @Override
        protected Map<String, MethodHandle> computeValue(final Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    /** The function {@code reference} names, its classes loaded through {@code loader}. */
    static MethodFunction of(final TaskReference reference, final ClassLoader loader)
            throws ClassNotFoundException, NoSuchMethodException {
        Map<String, MethodHandle> handles = HANDLES.get(Class.forName(reference.implClass(), false, loader));
        String key = reference.method() + reference.descriptor();
        MethodHandle h = handles.get(key);
        if (h == null) {
            Method m = reference.method(loader);
            try {
                h = MethodHandles.lookup().unreflect(m);
            } catch (IllegalAccessException e) {
                throw new NoSuchMethodException(m + " cannot be called: " + e.getMessage());
            }
            handles.put(key, h);
        }
        h = MethodHandles.insertArguments(h, 0, reference.arguments().toArray());
        return new MethodFunction(h.asType(OBJECT_TO_OBJECT));
    }

    @Override
    public Object apply(final Object item) throws Exception {
        try {
            return handle.invokeExact(item);
        } catch (Throwable t) {
            throw MethodFunction.<Exception>sneaky(t);
        }
    }

    /** Rethrows any throwable unchanged, as the lambda's body would let it through. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(final Throwable t) throws T {
        throw (T) t;
    }
}
