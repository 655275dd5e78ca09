package org.kernellib.mp.manager;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;

/** The manager's side of a {@link NamespaceProxy}: named values, each operation atomic. */
final class ServedNamespace implements Served {
    private final Map<String, Object> attributes = new LinkedHashMap<>();

    @Override
    public synchronized Object call(final String operation, final Object[] a) {
        switch (operation) {
            case "get": {
                String name = (String) a[0];
                if (!attributes.containsKey(name)) {
                    throw new NoSuchElementException("the namespace has no attribute '" + name + "' (it has "
                            + attributes.keySet() + "); set it first");
                }
                return attributes.get(name);
            }
            case "set": return attributes.put((String) a[0], a[1]);
            case "has": return attributes.containsKey((String) a[0]);
            case "delete": return attributes.remove((String) a[0]);
            case "copy": return new LinkedHashMap<>(attributes);
            default: throw Served.unknown("namespace", operation);
        }
    }
}
