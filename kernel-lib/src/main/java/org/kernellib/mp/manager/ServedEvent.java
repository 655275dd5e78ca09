package org.kernellib.mp.manager;

/**
 * The manager's side of an {@link EventProxy}: Python's {@code threading.Event}. A wait is
 * interrupted when the caller's connection closes.
 */
final class ServedEvent extends WaitingServed {
    private boolean flag;

    ServedEvent() {
        super("await");
    }

    @Override
    public synchronized Object call(final String operation, final Object[] a) throws InterruptedException {
        switch (operation) {
            case "set": flag = true; notifyAll(); return null;
            case "clear": flag = false; return null;
            case "isSet": return flag;
            case "await": {
                long nanos = Served.nanos(a[0]);
                long deadline = System.nanoTime() + nanos;
                while (!flag) {
                    if (nanos == Long.MAX_VALUE) {
                        wait();
                    } else {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            return false;
                        }
                        wait(left / 1_000_000, (int) (left % 1_000_000));
                    }
                }
                return true;
            }
            default: throw Served.unknown("event", operation);
        }
    }
}
