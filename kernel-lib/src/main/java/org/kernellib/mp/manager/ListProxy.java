package org.kernellib.mp.manager;

import java.io.Serializable;
import java.util.AbstractList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;
import java.util.RandomAccess;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Python's {@code manager.list()}: a list held by the manager, reached from any process that has
 * this proxy.
 *
 * <p><b>What is atomic.</b> Each method is one round-trip, run whole in the manager: {@code add}
 * (Python's {@code append}), {@code add(index, e)}, {@code get}, {@code set}, {@code remove},
 * {@code addAll}, {@code contains}, {@code indexOf}, {@code size}, {@code clear}. A sequence of
 * them is not: {@code l.set(0, l.get(0) + 1)} can lose updates, as {@code l[0] += 1} does in
 * Python. {@link #sort} and {@link #replaceAll} are atomic as a whole: they change a copy here and
 * put it back only if nothing changed the list meanwhile, else start again (so, as with
 * {@code DictProxy.merge}, the comparator or function runs in the caller, maybe more than once).
 *
 * <p><b>Iteration is over a copy.</b> {@link #iterator()}, {@link #listIterator()} and
 * {@code for (E e : list)} walk an unmodifiable snapshot taken in one round-trip, so they see one
 * consistent state and cost one message, not one per element. The list is {@link RandomAccess}
 * (each {@code get} and {@code set} costs the same round-trip), so {@code Collections.reverse},
 * {@code swap}, {@code fill} and {@code shuffle} change it through {@code set(i, e)}, whatever its
 * size, one round-trip a call and not atomic as a whole.
 *
 * <p><b>Nested values</b> are copies, as in Python: after {@code l.get(0).add(1)} on a list of
 * lists, the manager's list is unchanged until {@code l.set(0, changed)}. A proxy stored as an
 * element is shared instead.
 */
public final class ListProxy<E> extends AbstractList<E> implements RandomAccess, Serializable {
    private static final long serialVersionUID = 1L;
    private final ProxyTarget target;

    ListProxy(final ProxyTarget target) {
        this.target = target;
    }

    @Override
    public int size() {
        return (Integer) target.call("size");
    }

    @Override
    @SuppressWarnings("unchecked")
    public E get(final int index) {
        return (E) target.call("get", index);
    }

    @Override
    @SuppressWarnings("unchecked")
    public E set(final int index, final E element) {
        return (E) target.call("set", index, element);
    }

    @Override
    public boolean add(final E element) {
        return (Boolean) target.call("append", element);
    }

    @Override
    public void add(final int index, final E element) {
        target.call("insert", index, element);
    }

    @Override
    @SuppressWarnings("unchecked")
    public E remove(final int index) {
        return (E) target.call("removeAt", index);
    }

    @Override
    public boolean remove(final Object o) {
        return (Boolean) target.call("removeObject", o);
    }

    /** Appends all in one round-trip (atomic as a whole). */
    @Override
    public boolean addAll(final Collection<? extends E> c) {
        return (Boolean) target.call("addAll", new java.util.ArrayList<>(c));
    }

    @Override
    public boolean contains(final Object o) {
        return (Boolean) target.call("contains", o);
    }

    @Override
    public int indexOf(final Object o) {
        return (Integer) target.call("indexOf", o);
    }

    @Override
    public int lastIndexOf(final Object o) {
        return (Integer) target.call("lastIndexOf", o);
    }

    @Override
    public void clear() {
        target.call("clear");
    }

    /** A copy of the whole list, in one round-trip: Python's {@code l[:]}. */
    @SuppressWarnings("unchecked")
    public List<E> copy() {
        return (List<E>) target.call("copy");
    }

    /** Python's {@code l.sort()} (null: natural order); atomic, see the class comment. */
    @Override
    public void sort(final Comparator<? super E> c) {
        changeWhole(l -> l.sort(c));
    }

    /** Atomic, see the class comment. */
    @Override
    public void replaceAll(final UnaryOperator<E> operator) {
        changeWhole(l -> l.replaceAll(operator));
    }

    /** Changes a copy and puts it back if the list's version is still the one copied; retries if not. */
    @SuppressWarnings("unchecked")
    private void changeWhole(final Consumer<List<E>> change) {
        while (true) {
            List<Object> versioned = (List<Object>) target.call("versionedCopy");
            List<E> copy = (List<E>) versioned.get(1);
            change.accept(copy);
            if ((Boolean) target.call("replaceIfUnchanged", versioned.get(0), copy)) {
                return;
            }
        }
    }

    @Override
    public Iterator<E> iterator() {
        return Collections.unmodifiableList(copy()).iterator();
    }

    @Override
    public ListIterator<E> listIterator(final int index) {
        return Collections.unmodifiableList(copy()).listIterator(index);
    }

    @Override
    public boolean equals(final Object o) {
        return o == this || (o instanceof List && copy().equals(o));
    }

    @Override
    public int hashCode() {
        return copy().hashCode();
    }

    /** The elements (one round-trip); this list met again inside itself is {@code (this Collection)}. */
    @Override
    public String toString() {
        return target.show(this::copy, "(this Collection)");
    }
}
