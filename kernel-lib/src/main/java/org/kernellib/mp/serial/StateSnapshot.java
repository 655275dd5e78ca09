package org.kernellib.mp.serial;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A copy of the notebook's top-level variables that a task uses, taken at {@code start()}: the
 * fork-like part of a worker.
 *
 * <p>JShell compiles a top-level variable into a static field of a generated wrapper class
 * ({@code REPL.$JShell$12.xs}), set by generated code rather than a static initialiser, so a
 * worker that merely loads the class would see null or 0. The snapshot walks, with ASM, from the
 * task's classes through every snippet class whose code they can reach (method calls, field
 * accesses, type references, invokedynamic handles), collects the static fields that code reads or
 * writes, and serializes their current values together (so two variables naming one object still
 * name one object in the worker). The worker sets them before it runs the task. Classes on the
 * ordinary class path are not walked: their state is the worker's own, as in a spawned Python
 * process.
 */
public final class StateSnapshot {
    private static final String SNIPPET_WRAPPER_PREFIX = "REPL.$JShell$";

    /** One copied static field. */
    public record Entry(String owner, String field, String type) {
    }

    private final List<Entry> entries;
    private final byte[] values;
    /** Parent side only: the snippet classes found on the way, with their bytes. */
    private final Map<String, byte[]> classes;

    private StateSnapshot(final List<Entry> entries, final byte[] values, final Map<String, byte[]> classes) {
        this.entries = entries;
        this.values = values;
        this.classes = classes;
    }

    /**
     * The snippet classes the walk reached, by binary name, with their class files: the worker
     * will need them, so they travel with the task instead of one request at a time.
     */
    public Map<String, byte[]> classes() {
        return classes;
    }

    public List<Entry> entries() {
        return entries;
    }

    /**
     * Copies the static state reachable from {@code rootClasses}, every method of them counting.
     *
     * @throws IllegalArgumentException naming the variable and its type when a value cannot be
     *     serialized
     */
    public static StateSnapshot capture(final Collection<String> rootClasses, final ClassShipper shipper) {
        return capture(rootClasses, Set.of(), Set.copyOf(rootClasses), shipper);
    }

    /**
     * Copies the static state the task's code can reach.
     *
     * <p>Classes are followed as a whole, with one exception: a JShell wrapper class (one per
     * snippet, {@code REPL.$JShell$12}) holds the code of every statement and lambda of its cell,
     * so taking it whole would copy variables that only the cell's other lambdas use (the pool
     * that a loop calls, say), and fail on those that cannot be copied. In wrapper classes only
     * the methods actually reached count: the lambdas the task is made of, and the methods that
     * reachable code calls.
     *
     * @param rootClasses the classes the task was written with
     * @param lambdaMethods implementation methods of the lambdas in the task
     * @param objectClasses classes of the objects in the task, any of whose methods may run
     * @throws IllegalArgumentException naming the variable and its type when a value cannot be
     *     serialized
     */
    public static StateSnapshot capture(final Collection<String> rootClasses,
            final Set<ClassReferences.MethodRef> lambdaMethods, final Set<String> objectClasses,
            final ClassShipper shipper) {
        Map<String, ClassShipper.Shipped> reachable = new LinkedHashMap<>();
        Map<String, ClassReferences> scanned = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(rootClasses);
        Set<String> seen = new HashSet<>(rootClasses);
        while (!queue.isEmpty()) {
            String name = queue.poll();
            Optional<ClassShipper.Shipped> s = shipper.shipped(name);
            if (s.isEmpty()) {
                continue;
            }
            reachable.put(name, s.get());
            ClassReferences r = ClassReferences.scanOnce(s.get().bytes());
            scanned.put(name, r);
            for (String c : r.classes()) {
                if (seen.add(c)) {
                    queue.add(c);
                }
            }
            for (ClassReferences.FieldRef f : r.fields()) {
                if (seen.add(f.owner())) {
                    queue.add(f.owner());
                }
            }
        }
        Set<ClassReferences.FieldRef> refs = reachedFields(scanned, lambdaMethods, objectClasses);
        List<Entry> entries = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        Set<Field> done = new HashSet<>();
        for (ClassReferences.FieldRef ref : refs) {
            ClassShipper.Shipped owner = reachable.get(ref.owner());
            if (owner == null) {
                continue;
            }
            Field f = staticField(owner, ref.name());
            if (f == null || !done.add(f)) {
                continue;
            }
            Object v;
            try {
                f.setAccessible(true);
                v = f.get(null);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                throw new IllegalArgumentException("cannot read " + describe(f) + ": " + e, e);
            }
            entries.add(new Entry(f.getDeclaringClass().getName(), f.getName(), f.getType().getName()));
            values.add(v);
        }
        Map<String, byte[]> classes = new LinkedHashMap<>();
        reachable.forEach((n, sh) -> classes.put(n, sh.bytes()));
        return new StateSnapshot(entries, serialize(entries, values), classes);
    }

    /** The fields read or written by the methods reachable from the roots (see capture). */
    private static Set<ClassReferences.FieldRef> reachedFields(final Map<String, ClassReferences> scanned,
            final Set<ClassReferences.MethodRef> lambdaMethods, final Set<String> objectClasses) {
        Deque<ClassReferences.MethodRef> work = new ArrayDeque<>(lambdaMethods);
        scanned.forEach((name, refs) -> {
            if (!isSnippetWrapper(name) || objectClasses.contains(name)) {
                work.addAll(refs.methods().keySet());
            }
        });
        Set<ClassReferences.MethodRef> visited = new HashSet<>();
        Set<ClassReferences.FieldRef> fields = new LinkedHashSet<>();
        while (!work.isEmpty()) {
            ClassReferences.MethodRef m = work.poll();
            ClassReferences owner = scanned.get(m.owner());
            if (!visited.add(m) || owner == null) {
                continue;
            }
            ClassReferences.MethodUse use = owner.methods().get(m);
            if (use == null) {
                continue; // JShell's evaluation method, or a method this class only inherits
            }
            fields.addAll(use.fields());
            for (ClassReferences.MethodRef call : use.calls()) {
                if (isSnippetWrapper(call.owner())) {
                    work.add(call); // other classes are taken whole already
                }
            }
        }
        return fields;
    }

    /** JShell's per-snippet wrapper class, such as {@code REPL.$JShell$12} (not a class declared in it). */
    static boolean isSnippetWrapper(final String binaryName) {
        // By hand, not with a regex: this class is loaded in every worker, and the first Pattern
        // in a JVM costs a cold start milliseconds of lambda bootstrap.
        int from = SNIPPET_WRAPPER_PREFIX.length();
        if (!binaryName.startsWith(SNIPPET_WRAPPER_PREFIX) || binaryName.length() == from) {
            return false;
        }
        for (int i = from; i < binaryName.length(); i++) {
            char c = binaryName.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static Field staticField(final ClassShipper.Shipped owner, final String name) {
        Class<?> c;
        try {
            c = Class.forName(owner.name(), false, owner.loader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
        for (; c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                int m = f.getModifiers();
                return Modifier.isStatic(m) && !Modifier.isFinal(m) && !f.isSynthetic() ? f : null;
            } catch (NoSuchFieldException e) {
                // Inherited from a superclass: keep looking.
            }
        }
        return null;
    }

    private static byte[] serialize(final List<Entry> entries, final List<Object> values) {
        if (values.isEmpty()) {
            return new byte[0]; // nothing to restore (see restore): no object stream to open
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new SnippetAwareObjectOutputStream(bos)) {
            out.writeObject(values.toArray());
        } catch (IOException e) {
            for (int i = 0; i < values.size(); i++) {
                try {
                    TaskWriter.trySerialize(values.get(i));
                } catch (IOException failure) {
                    Entry en = entries.get(i);
                    Object v = values.get(i);
                    // A notebook variable is named by its name alone: its owner is a JShell wrapper
                    // class the learner never wrote (REPL.$JShell$40).
                    String owner = SnippetLines.wrapperOf(en.owner()) != null && readable(en.owner()).equals(en.owner())
                            ? "" : readable(en.owner()) + "." + en.field() + ", ";
                    throw new IllegalArgumentException("cannot copy the variable '" + en.field() + "' ("
                            + owner + "declared as " + en.type()
                            + ", holding a " + v.getClass().getName() + ") into the worker: " + failure
                            + ". A worker gets a copy of the top-level variables its task uses, made with"
                            + " Java serialization (objects of classes written in the notebook are copied field by field);"
                            + " make the value Serializable or create it inside the task.",
                            failure);
                }
            }
            throw new IllegalArgumentException("cannot copy the variables " + entries + " into the worker: " + e, e);
        }
        return bos.toByteArray();
    }

    private static String describe(final Field f) {
        return "variable '" + f.getName() + "' (" + readable(f.getDeclaringClass().getName()) + ")";
    }

    /** {@code REPL.$JShell$12$Counter} reads better as {@code Counter}; wrappers stay as they are. */
    static String readable(final String binaryName) {
        int d = binaryName.lastIndexOf('$');
        if (binaryName.startsWith("REPL.$JShell$") && d > "REPL.$JShell$".length()) {
            String tail = binaryName.substring(d + 1);
            if (!tail.isEmpty() && !Character.isDigit(tail.charAt(0))) {
                return tail;
            }
        }
        return binaryName;
    }

    /** Writes the snapshot into a task payload. */
    void writeTo(final DataOutputStream out) throws IOException {
        out.writeInt(entries.size());
        for (Entry e : entries) {
            out.writeUTF(e.owner());
            out.writeUTF(e.field());
            out.writeUTF(e.type());
        }
        out.writeInt(values.length);
        out.write(values);
    }

    static StateSnapshot readFrom(final DataInputStream in) throws IOException {
        int n = in.readInt();
        List<Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(new Entry(in.readUTF(), in.readUTF(), in.readUTF()));
        }
        byte[] values = new byte[in.readInt()];
        in.readFully(values);
        return new StateSnapshot(entries, values, Map.of());
    }

    /** Worker side: sets every copied field, resolving classes through {@code loader}. */
    public void restore(final ClassLoader loader) throws Exception {
        if (entries.isEmpty()) {
            return;
        }
        Object[] v = (Object[]) ShippingObjectInputStream.read(values, loader, "the copied variables");
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            Class<?> c = Class.forName(e.owner(), true, loader);
            Field f = c.getDeclaredField(e.field());
            f.setAccessible(true);
            f.set(null, v[i]);
        }
    }
}
