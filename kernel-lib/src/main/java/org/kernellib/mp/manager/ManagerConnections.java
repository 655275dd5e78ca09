package org.kernellib.mp.manager;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

import org.kernellib.mp.connection.Frame;
import org.kernellib.mp.connection.FrameChannel;
import org.kernellib.mp.connection.PeerCredentials;
import org.kernellib.mp.shared.WaitInterruptedException;

/**
 * The caller's side of manager calls, for every proxy in this process: idle connections kept per
 * manager and reused, one call at a time on each. A thread that calls while every connection is
 * busy (another thread waits in {@code lock.acquire()}, say) opens one more, so a blocking call
 * never holds up the others. A proxy copied to another process has no connection there; its
 * first call opens one.
 *
 * <p>Every failure to reach the manager (the socket file gone, the connection refused, closed
 * or broken, also in the middle of a call) becomes a {@link ManagerGoneException}: when the manager
 * process dies the operating system closes its end at once, so a waiting call learns of it at
 * once. A thread interrupted while it waits closes its connection, which makes the manager
 * abandon the operation (a lock is then not taken on its behalf), and gets a
 * {@link WaitInterruptedException}.
 */
final class ManagerConnections {
    private static final Map<String, Deque<FrameChannel>> IDLE = new ConcurrentHashMap<>();

    private ManagerConnections() {
    }

    /** Calls {@code operation} on object {@code objectId} of the manager at {@code address}. */
    static Object call(final ManagerAddress address, final long objectId, final String operation,
            final Object... args) {
        Served here = ManagerServer.servedHere(address, objectId);
        if (here != null) {
            return callHere(here, operation, args);
        }
        byte[] request = ManagerProtocol.call(objectId, operation, args);
        FrameChannel ch = take(address, operation);
        Frame answer;
        try {
            ch.send(ManagerProtocol.CALL, 0, request);
            answer = ch.receive();
        } catch (ClosedByInterruptException e) {
            ch.close();
            throw new WaitInterruptedException("the manager (" + operation + ")");
        } catch (IOException e) {
            ch.close();
            forget(address);
            throw new ManagerGoneException(address, operation, e);
        }
        if (answer == null) {
            ch.close();
            forget(address);
            throw new ManagerGoneException(address, operation, null);
        }
        idle(address).push(ch);
        ClassLoader loader = loader();
        if (answer.type() == ManagerProtocol.RESULT) {
            return ManagerProtocol.decode(answer.payload(), loader, "the result of " + operation + " from the manager");
        }
        if (answer.type() == ManagerProtocol.ERROR) {
            Object error = ManagerProtocol.decode(answer.payload(), loader, "an error from the manager");
            if (error instanceof RuntimeException) {
                RuntimeException e = (RuntimeException) error;
                // Thrown as itself (Python re-raises the manager's exception type); this stack
                // shows where the proxy was called, the manager's where it failed.
                e.addSuppressed(new ManagerException("raised in the manager (" + address + ") by " + operation));
                throw e;
            }
            throw new ManagerException(operation + " failed in the manager: " + error);
        }
        throw new ManagerException("unexpected answer from the manager to " + operation + ": frame type " + answer.type());
    }

    private static Object callHere(final Served target, final String operation, final Object[] args) {
        try {
            return target.call(operation, args);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WaitInterruptedException("the manager (" + operation + ")");
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ManagerException(operation + " failed in the manager: " + e);
        }
    }

    /** Closes and drops the idle connections to a manager that is gone or shut down. */
    static void forget(final ManagerAddress address) {
        Deque<FrameChannel> idle = IDLE.remove(address.socket());
        if (idle != null) {
            idle.forEach(FrameChannel::close);
        }
    }

    private static FrameChannel take(final ManagerAddress address, final String operation) {
        FrameChannel ch = idle(address).poll();
        if (ch != null) {
            return ch;
        }
        try {
            ch = FrameChannel.connect(address.socketPath());
            ch.send(ManagerProtocol.HELLO, 0, ManagerProtocol.hello(address.token(), ProcessHandle.current().pid()));
            return ch;
        } catch (PeerCredentials.PeerRejectedException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } catch (IOException e) {
            if (ch != null) {
                ch.close();
            }
            throw new ManagerGoneException(address, operation, e);
        }
    }

    private static Deque<FrameChannel> idle(final ManagerAddress address) {
        return IDLE.computeIfAbsent(address.socket(), k -> new ConcurrentLinkedDeque<>());
    }

    /** The loader of the calling thread: JShell defines the notebook's classes there. */
    private static ClassLoader loader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : ManagerConnections.class.getClassLoader();
    }
}
