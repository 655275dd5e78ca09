package org.kernellib.mp.manager;

import java.io.Serializable;
import java.util.AbstractMap;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;

/**
 * Python's {@code manager.dict()}: a map held by the manager (in insertion order, as a dict),
 * reached from any process that has this proxy.
 *
 * <p><b>What is atomic.</b> Every single method that names a key is one round-trip, run whole in
 * the manager: {@code get}, {@code put}, {@code remove}, {@code containsKey}, and the
 * compare-and-set methods of {@link ConcurrentMap}: {@code putIfAbsent}, {@code replace},
 * {@code remove(key, value)}. So {@code merge}, {@code compute}, {@code computeIfAbsent} and
 * {@code computeIfPresent}, which {@code ConcurrentMap} builds from those in a retry loop, are
 * atomic too: {@code counts.merge(word, 1, Integer::sum)} from many processes loses no count
 * (the function runs in the caller and may run more than once). What is not atomic:
 * {@code d.put(k, d.get(k) + 1)}, which is two round-trips, exactly as {@code d[k] += 1} in
 * Python.
 *
 * <p><b>Views are copies.</b> {@link #keySet()}, {@link #values()} and {@link #entrySet()} return
 * unmodifiable snapshots taken in one round-trip (Python's proxy returns lists too); iterate them
 * freely, change the dict through the proxy.
 *
 * <p><b>Nested values.</b> A value is copied in and out, as in Python: after
 * {@code List l = d.get("k"); l.add(4);} the dict still holds the old list, until
 * {@code d.put("k", l)}. A proxy stored as a value (a {@code ListProxy} made by the same or another
 * manager) is shared instead: changes through it are seen by everyone.
 *
 * <p>Keys and values may not be null, as in every {@link ConcurrentMap}.
 */
public final class DictProxy<K, V> extends AbstractMap<K, V> implements ConcurrentMap<K, V>, Serializable {
    private static final long serialVersionUID = 1L;
    private final ProxyTarget target;

    DictProxy(final ProxyTarget target) {
        this.target = target;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(final Object key) {
        return (V) target.call("get", notNull(key, "key"));
    }

    @Override
    @SuppressWarnings("unchecked")
    public V put(final K key, final V value) {
        return (V) target.call("put", notNull(key, "key"), notNull(value, "value"));
    }

    @Override
    @SuppressWarnings("unchecked")
    public V remove(final Object key) {
        return (V) target.call("remove", notNull(key, "key"));
    }

    @Override
    public boolean remove(final Object key, final Object value) {
        return (Boolean) target.call("removeIfEquals", notNull(key, "key"), notNull(value, "value"));
    }

    @Override
    @SuppressWarnings("unchecked")
    public V putIfAbsent(final K key, final V value) {
        return (V) target.call("putIfAbsent", notNull(key, "key"), notNull(value, "value"));
    }

    @Override
    @SuppressWarnings("unchecked")
    public V replace(final K key, final V value) {
        return (V) target.call("replace", notNull(key, "key"), notNull(value, "value"));
    }

    @Override
    public boolean replace(final K key, final V oldValue, final V newValue) {
        return (Boolean) target.call("replaceIfEquals", notNull(key, "key"), notNull(oldValue, "value"),
                notNull(newValue, "value"));
    }

    @Override
    public boolean containsKey(final Object key) {
        return (Boolean) target.call("containsKey", notNull(key, "key"));
    }

    @Override
    public boolean containsValue(final Object value) {
        return (Boolean) target.call("containsValue", notNull(value, "value"));
    }

    @Override
    public int size() {
        return (Integer) target.call("size");
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public void clear() {
        target.call("clear");
    }

    /** Puts every mapping in one round-trip (atomic as a whole). */
    @Override
    public void putAll(final Map<? extends K, ? extends V> m) {
        Map<K, V> copy = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> copy.put(notNull(k, "key"), notNull(v, "value")));
        target.call("putAll", copy);
    }

    /** A copy of the whole dict, in one round-trip: Python's {@code d.copy()}. */
    @SuppressWarnings("unchecked")
    public Map<K, V> copy() {
        return (Map<K, V>) target.call("copy");
    }

    /** An unmodifiable snapshot of the keys (one round-trip). */
    @Override
    @SuppressWarnings("unchecked")
    public Set<K> keySet() {
        return Collections.unmodifiableSet(new LinkedHashSet<>((List<K>) target.call("keys")));
    }

    /** An unmodifiable snapshot of the values (one round-trip). */
    @Override
    @SuppressWarnings("unchecked")
    public Collection<V> values() {
        return Collections.unmodifiableList((List<V>) target.call("values"));
    }

    /** An unmodifiable snapshot of the mappings (one round-trip). */
    @Override
    public Set<Map.Entry<K, V>> entrySet() {
        return Collections.unmodifiableMap(copy()).entrySet();
    }

    @Override
    public int hashCode() {
        return (Integer) target.call("hash");
    }

    /**
     * The dict's mappings, as Python's proxy shows the referent (one round-trip); this dict met
     * again inside itself is {@code (this Map)}.
     */
    @Override
    public String toString() {
        return target.show(this::copy, "(this Map)");
    }

    private static <T> T notNull(final T o, final String what) {
        if (o == null) {
            throw new NullPointerException("a manager dict takes no null " + what
                    + " (it is a ConcurrentMap, where get() returning null means absent); store Optional.empty() or a marker");
        }
        return o;
    }
}
