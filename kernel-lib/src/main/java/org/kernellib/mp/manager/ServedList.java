package org.kernellib.mp.manager;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The manager's side of a {@link ListProxy}: an {@link ArrayList}, every operation under its
 * monitor, so each single operation (an append, a set, a removal) is atomic; a read followed by a
 * write from the caller is two operations. A version number, counted up by every change, lets a
 * proxy replace the whole list only if nothing changed it since it read it ({@code sort},
 * {@code replaceAll}).
 */
final class ServedList implements Served {
    private final List<Object> list = new ArrayList<>();
    private long version;

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
            case "indexOf": return list.indexOf(a[0]);
            case "lastIndexOf": return list.lastIndexOf(a[0]);
            case "contains": return list.contains(a[0]);
            case "copy": return new ArrayList<>(list);
            case "versionedCopy": return List.of(version, new ArrayList<>(list));
            default: return change(operation, a);
        }
    }

    private Object change(final String operation, final Object[] a) {
        Object result;
        switch (operation) {
            case "set": result = list.set((Integer) a[0], a[1]); break;
            case "append": result = list.add(a[0]); break;
            case "insert": list.add((Integer) a[0], a[1]); result = null; break;
            case "removeAt": result = list.remove((int) (Integer) a[0]); break;
            case "removeObject": result = list.remove(a[0]); break;
            case "addAll": result = list.addAll((Collection<?>) a[0]); break;
            case "clear": list.clear(); result = null; break;
            case "replaceIfUnchanged": {
                if ((Long) a[0] != version) {
                    return false;
                }
                list.clear();
                list.addAll((Collection<?>) a[1]);
                result = true;
                break;
            }
            default: throw Served.unknown("list", operation);
        }
        version++;
        return result;
    }
}
