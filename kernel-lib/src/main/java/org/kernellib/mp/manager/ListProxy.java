package org.kernellib.mp.manager;

import java.io.Serializable;
import java.util.AbstractList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;

/**
 * Python's {@code manager.list()}: a list held by the manager, reached from any process that has
 * this proxy.
 *
 * <p><b>What is atomic.</b> Each method is one round-trip, run whole in the manager: {@code add}
 * (Python's {@code append}), {@code add(index, e)}, {@code get}, {@code set}, {@code remove},
 * {@code addAll}, {@code contains}, {@code indexOf}, {@code size}, {@code clear}. A sequence of
 * them is not: {@code l.set(0, l.get(0) + 1)} can lose updates, as {@code l[0] += 1} does in
 * Python.
 *
 * <p><b>Iteration is over a copy.</b> {@link #iterator()}, {@link #listIterator()} and
 * {@code for (E e : list)} walk an unmodifiable snapshot taken in one round-trip, so they see one
 * consistent state and cost one message, not one per element.
 *
 * <p><b>Nested values</b> are copies, as in Python: after {@code l.get(0).add(1)} on a list of
 * lists, the manager's list is unchanged until {@code l.set(0, changed)}. A proxy stored as an
 * element is shared instead.
 */
public final class ListProxy<E> extends AbstractList<E> implements Serializable {
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

    @Override
    public String toString() {
        return copy().toString();
    }
}
