package org.kernellib.mp.manager;

import java.io.Serializable;
import java.util.Map;

/**
 * Python's {@code manager.Namespace()}: named values shared through a manager. Python writes
 * {@code ns.x = 1} and {@code ns.x}; Java has no such syntax, so {@code ns.set("x", 1)} and
 * {@code ns.get("x")}. Each call is one atomic round-trip. As in Python, a value is a copy:
 * {@code ns.get("list").add(4)} changes a copy in this process, not the namespace; set it again.
 */
public final class NamespaceProxy implements Serializable {
    private static final long serialVersionUID = 1L;
    private final ProxyTarget target;

    NamespaceProxy(final ProxyTarget target) {
        this.target = target;
    }

    /**
     * The value of {@code name}.
     *
     * @throws java.util.NoSuchElementException when it was never set (Python: AttributeError)
     */
    @SuppressWarnings("unchecked")
    public <T> T get(final String name) {
        return (T) target.call("get", requireName(name));
    }

    /** Sets {@code name}; returns the previous value or null. */
    public Object set(final String name, final Object value) {
        return target.call("set", requireName(name), value);
    }

    public boolean has(final String name) {
        return (Boolean) target.call("has", requireName(name));
    }

    /** Removes {@code name}; returns its value or null. */
    public Object delete(final String name) {
        return target.call("delete", requireName(name));
    }

    /** A copy of every name and value, in the order they were first set. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> toMap() {
        return (Map<String, Object>) target.call("copy");
    }

    private static String requireName(final String name) {
        if (name == null) {
            throw new IllegalArgumentException("a namespace attribute needs a name, got null");
        }
        return name;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof NamespaceProxy && ((NamespaceProxy) o).target.equals(target);
    }

    @Override
    public int hashCode() {
        return target.hashCode();
    }

    /**
     * Like Python's {@code Namespace(a=1, b=2)} (one round-trip); as there, names starting with
     * {@code _} are left out.
     */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Namespace(");
        String sep = "";
        for (Map.Entry<String, Object> e : toMap().entrySet()) {
            if (e.getKey().startsWith("_")) {
                continue;
            }
            b.append(sep).append(e.getKey()).append('=').append(e.getValue());
            sep = ", ";
        }
        return b.append(')').toString();
    }
}
