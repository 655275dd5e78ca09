package org.kernellib.mp.manager;

import java.io.Serializable;

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
    Object call(final String operation, final Object... args) {
        return ManagerConnections.call(address, id, operation, args);
    }

    @Override
    public String toString() {
        return kind + " #" + id + " of the " + address;
    }
}
