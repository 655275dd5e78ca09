package org.kernellib.mp.connection;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.attribute.UserPrincipal;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

import org.kernellib.mp.shared.memory.PrivatePaths;

/**
 * Who is at the other end of a Unix-domain socket, asked of the kernel ({@code SO_PEERCRED}), not
 * of the peer: the uid it had when the connection was made, which it cannot fake. Both ends of a
 * manager's socket check it before they send or read anything else, so a process of another user that
 * got hold of the socket path is dropped before it sees a token or gets to send a frame that would
 * be deserialized.
 */
public final class PeerCredentials {
    private PeerCredentials() {
    }

    /**
     * Throws unless the peer of {@code channel} runs as this process's user.
     *
     * @param what the other end, for the message ("the socket /dev/shm/...")
     * @throws PeerRejectedException naming the peer's user when it is someone else
     */
    public static void requireSameUser(final SocketChannel channel, final String what) throws IOException {
        UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        UserPrincipal me = currentUser();
        if (!me.equals(peer.user())) {
            throw new PeerRejectedException("refusing " + what + ": the process at the other end runs as user "
                    + peer.user().getName() + ", not as this process's user (uid " + PrivatePaths.currentUid()
                    + "). Another local user may be impersonating it; nothing was sent to it or read from it.");
        }
    }

    /**
     * This process's uid as a principal. By number: a uid without a name (common in containers) is
     * looked up as the number, and principals compare by uid.
     */
    private static UserPrincipal currentUser() throws IOException {
        return FileSystems.getDefault().getUserPrincipalLookupService()
                .lookupPrincipalByName(Long.toString(PrivatePaths.currentUid()));
    }

    /** The peer of a Unix-domain socket runs as another user. */
    public static final class PeerRejectedException extends IOException {
        private static final long serialVersionUID = 1L;

        PeerRejectedException(final String message) {
            super(message);
        }
    }
}
