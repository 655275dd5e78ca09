package org.kernellib.mp.manager;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The manager's side of a {@link DictProxy}: a {@link LinkedHashMap} (insertion order, as a
 * Python dict), every operation under its monitor, so each single operation is atomic, including
 * the compare-and-set ones ({@code putIfAbsent}, {@code replace}, {@code removeIfEquals}) that
 * {@code ConcurrentMap}'s {@code merge} and {@code compute} build on.
 */
final class ServedDict implements Served {
    private final Map<Object, Object> map = new LinkedHashMap<>();

    ServedDict(final Map<?, ?> initial) {
        if (initial != null) {
            map.putAll(initial);
        }
    }

    @Override
    public synchronized Object call(final String operation, final Object[] a) {
        switch (operation) {
            case "get": return map.get(a[0]);
            case "put": return map.put(a[0], a[1]);
            case "remove": return map.remove(a[0]);
            case "removeIfEquals": return map.remove(a[0], a[1]);
            case "putIfAbsent": return map.putIfAbsent(a[0], a[1]);
            case "replace": return map.replace(a[0], a[1]);
            case "replaceIfEquals": return map.replace(a[0], a[1], a[2]);
            case "containsKey": return map.containsKey(a[0]);
            case "containsValue": return map.containsValue(a[0]);
            case "size": return map.size();
            case "clear": map.clear(); return null;
            case "putAll": map.putAll((Map<?, ?>) a[0]); return null;
            case "copy": return new LinkedHashMap<>(map);
            case "keys": return new ArrayList<>(map.keySet());
            case "values": return new ArrayList<>(map.values());
            case "hash": return map.hashCode();
            default: throw Served.unknown("dict", Objects.toString(operation));
        }
    }
}
