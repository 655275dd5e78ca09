package org.kernellib.mp.manager;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The manager's side of a {@link ListProxy}: an {@link ArrayList}, every operation under its
 * monitor, so each single operation (an append, a set, a removal) is atomic; a read followed by a
 * write from the caller is two operations.
 */
final class ServedList implements Served {
    private final List<Object> list = new ArrayList<>();

    ServedList(final Collection<?> initial) {
        if (initial != null) {
            list.addAll(initial);
        }
    }

    @Override
    public synchronized Object call(final String operation, final Object[] a) {
        switch (operation) {
            case "size": return list.size();
            case "get": return list.get((Integer) a[0]);
            case "set": return list.set((Integer) a[0], a[1]);
            case "append": return list.add(a[0]);
            case "insert": list.add((Integer) a[0], a[1]); return null;
            case "removeAt": return list.remove((int) (Integer) a[0]);
            case "removeObject": return list.remove(a[0]);
            case "addAll": return list.addAll((Collection<?>) a[0]);
            case "indexOf": return list.indexOf(a[0]);
            case "lastIndexOf": return list.lastIndexOf(a[0]);
            case "contains": return list.contains(a[0]);
            case "clear": list.clear(); return null;
            case "copy": return new ArrayList<>(list);
            default: throw Served.unknown("list", operation);
        }
    }
}
