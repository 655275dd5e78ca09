package org.kernellib.mp.serial;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Java serialization plus one rule: an object of a notebook class that is not Serializable is
 * written as a {@link SnippetObject} (its fields), which {@link ShippingObjectInputStream} turns
 * back into the object in the worker. Used for the task and for the copied variables alike.
 */
class SnippetAwareObjectOutputStream extends ObjectOutputStream {
    private final Map<Class<?>, Boolean> copyable = new ConcurrentHashMap<>();
    private final boolean refuseProcessLocal;

    SnippetAwareObjectOutputStream(final OutputStream out) throws IOException {
        this(out, false);
    }

    /**
     * @param refuseProcessLocal true for messages ({@link ObjectCodec}) and for the task itself
     *     ({@link TaskWriter}: what a task captures, it uses): a {@link ProcessLocal} stand-in is
     *     refused; a snapshot of variables writes it (see {@link ProcessLocal} for why)
     */
    SnippetAwareObjectOutputStream(final OutputStream out, final boolean refuseProcessLocal) throws IOException {
        super(out);
        this.refuseProcessLocal = refuseProcessLocal;
        enableReplaceObject(true);
    }

    @Override
    protected Object replaceObject(final Object obj) throws IOException {
        if (obj == null) {
            return null;
        }
        if (refuseProcessLocal && obj instanceof ProcessLocal) {
            // Seen here as the stand-in its writeReplace made: name what it stands for.
            throw new Refused(((ProcessLocal) obj).typeName());
        }
        Class<?> c = obj.getClass();
        boolean copy = copyable.computeIfAbsent(c, k -> SnippetObject.canCopy(k, SnippetAwareObjectOutputStream::isNotebookClass));
        return copy ? SnippetObject.of(obj) : obj;
    }

    /**
     * A class compiled from the notebook: in the kernel one its snippet loader holds (no class path
     * has it); in a worker one that was shipped to it.
     */
    private static boolean isNotebookClass(final Class<?> c) {
        ClassLoader l = c.getClassLoader();
        return l instanceof ShippedClassLoader
                || l != null && new ClassShipper(List.of(l)).shipped(c.getName()).isPresent();
    }

    /** A {@link ProcessLocal} refused: its message is the type's name, as the JDK's own is. */
    static final class Refused extends NotSerializableException {
        private static final long serialVersionUID = 1L;

        Refused(final String typeName) {
            super(typeName);
        }
    }
}
