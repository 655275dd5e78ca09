package org.kernellib.mp.connection;

import org.kernellib.mp.shared.queue.Queue;

/**
 * Python's {@code multiprocessing.Pipe()}: two {@link Connection} ends. Duplex by default: each
 * end sends to the other over its own shared ring. With {@code duplex == false} the first end
 * only receives and the second only sends, as in Python.
 */
public final class Pipe {
    private Pipe() {
    }

    /** A duplex pipe: {@code Connection[] ends = Pipe.create(); ends[0].send(x); ends[1].recv();}. */
    public static Connection[] create() {
        return create(true);
    }

    public static Connection[] create(final boolean duplex) {
        Queue<Object> aToB = Queue.create();
        if (!duplex) {
            return new Connection[] {new Connection(aToB, null), new Connection(null, aToB)};
        }
        Queue<Object> bToA = Queue.create();
        return new Connection[] {new Connection(bToA, aToB), new Connection(aToB, bToA)};
    }
}
