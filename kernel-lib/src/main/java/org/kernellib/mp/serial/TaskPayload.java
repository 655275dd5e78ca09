package org.kernellib.mp.serial;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.Set;

/**
 * Everything a worker needs to run one task, as sent in the TASK frame: who it is (name, daemon
 * flag, and its parent's name and pid), the class path entries to load user classes from, the
 * snippet classes the task reaches (sent ahead, saving a round trip and a class path search
 * each), the {@link StateSnapshot} of snippet variables, and the task: by name when it is a
 * static method reference or a lambda capturing only strings and primitives
 * ({@link TaskReference}), else serialized.
 */
public final class TaskPayload {
    private final String name;
    private final boolean daemon;
    private final String parentName;
    private final long parentPid;
    private final List<String> classPath;
    private final Map<String, byte[]> classes;
    /** Class path entry of each of the task's own classes (see ClassLocations). */
    private final Map<String, String> classLocations;
    private final StateSnapshot snapshot;
    /** The task by name, or null when it travels serialized in {@link #task}. */
    private final TaskReference reference;
    private final byte[] task;
    private final ClassShipper shipper;
    /** Where the lines of the snippet classes the task reaches were written (see SnippetLines). */
    private final Map<String, SnippetLines> snippetLines;

    private TaskPayload(final String name, final boolean daemon, final String parentName, final long parentPid,
            final List<String> classPath, final Map<String, byte[]> classes, final Map<String, String> classLocations,
            final StateSnapshot snapshot,
            final TaskReference reference, final byte[] task, final ClassShipper shipper,
            final Map<String, SnippetLines> snippetLines) {
        this.snippetLines = snippetLines;
        this.classPath = List.copyOf(classPath);
        this.classes = classes;
        this.classLocations = classLocations;
        this.name = name;
        this.daemon = daemon;
        this.parentName = parentName;
        this.parentPid = parentPid;
        this.snapshot = snapshot;
        this.reference = reference;
        this.task = task;
        this.shipper = shipper;
    }

    /**
     * Parent side: serializes the task and snapshots the state it reaches.
     *
     * @param classPathOf the class path entries the worker needs, given the loaders the task's
     *     classes come from
     *
     * @throws IllegalArgumentException with a message naming what cannot be copied
     */
    public static TaskPayload prepare(final java.io.Serializable task, final String name, final boolean daemon,
            final String parentName, final Function<Collection<ClassLoader>, List<String>> classPathOf) {
        TaskWriter.Written w = TaskWriter.write(task);
        Set<ClassLoader> loaders = new LinkedHashSet<>(w.loaders());
        TaskWriter.addLoader(loaders, Thread.currentThread().getContextClassLoader());
        ClassShipper shipper = new ClassShipper(loaders);
        StateSnapshot snap = StateSnapshot.capture(w.classNames(), w.lambdaMethods(), w.objectClasses(), shipper);
        List<String> classPath = classPathOf.apply(shipper.loaders());
        // Serialized all the same (above): that walk is what finds the classes and state it reaches.
        TaskReference reference = w.reference().orElse(null);
        Map<String, String> locations = ClassLocations.of(w.classNames(), shipper.loaders(), classPath,
                snap.classes().keySet());
        Set<String> reached = new HashSet<>(w.classNames());
        reached.addAll(snap.classes().keySet());
        return new TaskPayload(name, daemon, parentName, ProcessHandle.current().pid(), classPath, snap.classes(),
                locations, snap, reference, reference == null ? w.bytes() : new byte[0], shipper,
                SnippetLines.of(reached));
    }

    public String name() {
        return name;
    }

    public boolean daemon() {
        return daemon;
    }

    public String parentName() {
        return parentName;
    }

    public long parentPid() {
        return parentPid;
    }

    /** Class path entries (beyond the worker's boot class path) to load the task's classes from. */
    public List<String> classPath() {
        return classPath;
    }

    /** Snippet classes sent ahead with the task (binary name to class file). */
    public Map<String, byte[]> classes() {
        return classes;
    }

    /** Where the task's own classes are on the class path: binary name to entry. */
    public Map<String, String> classLocations() {
        return classLocations;
    }

    public StateSnapshot snapshot() {
        return snapshot;
    }

    /** Where the lines of the task's snippet classes were written in the notebook, by wrapper class. */
    public Map<String, SnippetLines> snippetLines() {
        return snippetLines;
    }

    /** Parent side only: where the worker's class requests are answered from. */
    public ClassShipper shipper() {
        return shipper;
    }

    public byte[] encode() {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bos)) {
            out.writeUTF(name);
            out.writeBoolean(daemon);
            out.writeUTF(parentName);
            out.writeLong(parentPid);
            out.writeInt(classPath.size());
            for (String e : classPath) {
                out.writeUTF(e);
            }
            out.writeInt(classes.size());
            for (Map.Entry<String, byte[]> c : classes.entrySet()) {
                out.writeUTF(c.getKey());
                out.writeInt(c.getValue().length);
                out.write(c.getValue());
            }
            out.writeInt(classLocations.size());
            for (Map.Entry<String, String> c : classLocations.entrySet()) {
                out.writeUTF(c.getKey());
                out.writeUTF(c.getValue());
            }
            snapshot.writeTo(out);
            out.writeBoolean(reference != null);
            if (reference != null) {
                reference.writeTo(out);
            } else {
                out.writeInt(task.length);
                out.write(task);
            }
            out.writeInt(snippetLines.size());
            for (Map.Entry<String, SnippetLines> l : snippetLines.entrySet()) {
                out.writeUTF(l.getKey());
                l.getValue().writeTo(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    public static TaskPayload decode(final byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        String name = in.readUTF();
        boolean daemon = in.readBoolean();
        String parentName = in.readUTF();
        long parentPid = in.readLong();
        int n = in.readInt();
        List<String> classPath = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            classPath.add(in.readUTF());
        }
        int k = in.readInt();
        Map<String, byte[]> classes = new HashMap<>(k * 2);
        for (int i = 0; i < k; i++) {
            String cn = in.readUTF();
            byte[] b = new byte[in.readInt()];
            in.readFully(b);
            classes.put(cn, b);
        }
        int m = in.readInt();
        Map<String, String> locations = new HashMap<>(m * 2);
        for (int i = 0; i < m; i++) {
            locations.put(in.readUTF(), in.readUTF());
        }
        StateSnapshot snap = StateSnapshot.readFrom(in);
        TaskReference reference = in.readBoolean() ? TaskReference.readFrom(in) : null;
        byte[] task = new byte[0];
        if (reference == null) {
            task = new byte[in.readInt()];
            in.readFully(task);
        }
        int l = in.readInt();
        Map<String, SnippetLines> lines = new HashMap<>(l * 2);
        for (int i = 0; i < l; i++) {
            lines.put(in.readUTF(), SnippetLines.readFrom(in));
        }
        SnippetLines.received(lines); // for the tasks this worker starts
        return new TaskPayload(name, daemon, parentName, parentPid, classPath, classes, locations, snap, reference, task,
                null, lines);
    }

    /** The task by name, or null when it travels serialized. */
    public TaskReference reference() {
        return reference;
    }

    /** Worker side: reads the task object, resolving classes through {@code loader}. */
    public Object readTask(final ClassLoader loader) throws IOException, ClassNotFoundException {
        if (reference != null) {
            try {
                return reference.resolve(loader);
            } catch (NoSuchMethodException e) {
                throw new java.io.InvalidClassException(reference.implClass(), "the task's method "
                        + reference.method() + " is not there in the worker: " + e);
            }
        }
        return ShippingObjectInputStream.read(task, loader, "the task");
    }
}
