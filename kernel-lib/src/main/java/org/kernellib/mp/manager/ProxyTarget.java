package org.kernellib.mp.manager;

import java.io.Serializable;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What every proxy holds: which manager, and which of its objects. It is all a proxy is made of,
 * so a proxy copied to another process (captured by a lambda, passed as an argument, stored in a
 * variable a worker gets a copy of, or put in another manager container) reaches the same object.
 *
 * @param address the manager
 * @param id the object's number in that manager
 * @param kind what the object is ("dict", "lock", ...), for messages
 */
record ProxyTarget(ManagerAddress address, long id, String kind) implements Serializable {
    /** The containers this thread is showing now: one met again is inside itself (a cycle). */
    private static final ThreadLocal<Set<ProxyTarget>> SHOWING = ThreadLocal.withInitial(HashSet::new);

    Object call(final String operation, final Object... args) {
        return ManagerConnections.call(address, id, operation, args);
    }

    /**
     * A container's text, from {@code contents} (a copy, whose elements may be proxies to this
     * same container). Met again while it is being shown, it is {@code again} instead, as Java's
     * {@code "(this Collection)"}; without that, a list holding itself would recurse, one
     * round-trip a level, until the stack overflows.
     */
    String show(final Supplier<Object> contents, final String again) {
        Set<ProxyTarget> showing = SHOWING.get();
        if (!showing.add(this)) {
            return again;
        }
        try {
            return String.valueOf(contents.get());
        } finally {
            showing.remove(this);
        }
    }

    @Override
    public String toString() {
        return kind + " #" + id + " of the " + address;
    }
}
