package org.kernellib.mp.serial;

import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/**
 * The serialized form of an object whose class was written in a notebook but is not
 * {@link Serializable}, which is the normal case: {@code record Point(int x, int y) {}} in a cell
 * does not say {@code implements Serializable}, yet Python would pickle it without a second
 * thought. Since the worker gets the very same class bytes, the object can be copied field by
 * field: records through their canonical constructor, other classes by allocating without a
 * constructor (as Java serialization does) and setting every non-static, non-transient field.
 *
 * <p>Only classes that exist solely in the notebook (shipped classes) are copied this way, and
 * only when every class in their hierarchy below {@code Object} is one too: a class that extends
 * a library class keeps the library's rules, and a failure still names the type. A field that
 * refers to its own object is restored; a cycle through several such objects is not (the worker
 * then fails with an error naming the field).
 */
final class SnippetObject implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String className;
    private final boolean record;
    private final String[] owners;
    private final String[] names;
    private final Object[] values;

    private SnippetObject(final String className, final boolean record, final String[] owners, final String[] names,
            final Object[] values) {
        this.className = className;
        this.record = record;
        this.owners = owners;
        this.names = names;
        this.values = values;
    }

    /** Whether instances of {@code c} can be copied this way, given which classes are shipped. */
    static boolean canCopy(final Class<?> c, final java.util.function.Predicate<Class<?>> shipped) {
        if (Serializable.class.isAssignableFrom(c) || c.isArray() || c.isEnum() || c.isHidden()
                || c.isAnonymousClass() || !shipped.test(c)) {
            return false;
        }
        for (Class<?> s = c.getSuperclass(); s != null && s != Object.class && s != Record.class; s = s.getSuperclass()) {
            if (!shipped.test(s)) {
                return false;
            }
        }
        return true;
    }

    /** Captures the fields of {@code o}; the values are written by the same object stream. */
    static SnippetObject of(final Object o) {
        Class<?> c = o.getClass();
        List<String> owners = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        try {
            for (Field f : fields(c)) {
                f.setAccessible(true);
                owners.add(f.getDeclaringClass().getName());
                names.add(f.getName());
                values.add(f.get(o));
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("cannot copy an object of the notebook class " + c.getName() + ": " + e, e);
        }
        return new SnippetObject(c.getName(), c.isRecord(), owners.toArray(new String[0]), names.toArray(new String[0]),
                values.toArray());
    }

    private static List<Field> fields(final Class<?> c) {
        List<Field> all = new ArrayList<>();
        for (Class<?> k = c; k != null && k != Object.class && k != Record.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                int m = f.getModifiers();
                if (!Modifier.isStatic(m) && !Modifier.isTransient(m)) {
                    all.add(f);
                }
            }
        }
        return all;
    }

    /** Worker side: the equivalent object, its class resolved through {@code loader}. */
    Object rebuild(final ClassLoader loader) throws ReflectiveOperationException {
        Class<?> c = Class.forName(className, true, loader);
        if (record) {
            RecordComponent[] rc = c.getRecordComponents();
            Class<?>[] types = new Class<?>[rc.length];
            Object[] args = new Object[rc.length];
            for (int i = 0; i < rc.length; i++) {
                types[i] = rc[i].getType();
                args[i] = valueOf(c.getName(), rc[i].getName());
            }
            Constructor<?> canonical = c.getDeclaredConstructor(types);
            canonical.setAccessible(true);
            return canonical.newInstance(args);
        }
        @SuppressWarnings("restriction")
        Constructor<?> bare = sun.reflect.ReflectionFactory.getReflectionFactory()
                .newConstructorForSerialization(c, Object.class.getDeclaredConstructor());
        Object o = bare.newInstance();
        for (int i = 0; i < names.length; i++) {
            Field f = Class.forName(owners[i], false, loader).getDeclaredField(names[i]);
            f.setAccessible(true);
            // A field pointing back at the object itself was written as a back-reference to this
            // copy, which the stream has not yet resolved; longer cycles are not supported.
            f.set(o, values[i] == this ? o : values[i]);
        }
        return o;
    }

    private Object valueOf(final String owner, final String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name) && owners[i].equals(owner)) {
                return values[i];
            }
        }
        return null;
    }
}
