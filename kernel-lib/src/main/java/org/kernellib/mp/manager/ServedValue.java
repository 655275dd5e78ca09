package org.kernellib.mp.manager;

/** The manager's side of a {@link ValueProxy}: one value; get, set and getAndSet are atomic. */
final class ServedValue implements Served {
    private Object value;

    ServedValue(final Object initial) {
        value = initial;
    }

    @Override
    public synchronized Object call(final String operation, final Object[] a) {
        switch (operation) {
            case "get": return value;
            case "set": value = a[0]; return null;
            case "getAndSet": {
                Object old = value;
                value = a[0];
                return old;
            }
            case "compareAndSet": {
                boolean same = value == null ? a[0] == null : value.equals(a[0]);
                if (same) {
                    value = a[1];
                }
                return same;
            }
            default: throw Served.unknown("value", operation);
        }
    }
}
