package org.kernellib.mp.manager;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * Where a manager listens and how to prove to it that a caller was given one of its proxies: the
 * socket file in its owner's private runtime directory, the secret token, and the manager's pid
 * (for error messages). Travels inside every proxy, so a proxy copied to another process of this
 * user can reach the manager from there.
 *
 * @param socket the Unix-domain socket file the manager listens on
 * @param token 256 random bits (hex) the manager requires in a connection's first frame
 * @param pid the manager process's pid
 */
public record ManagerAddress(String socket, String token, long pid) implements Serializable {
    public Path socketPath() {
        return Path.of(socket);
    }

    /** Without the token: it is a secret, and errors and notebooks print addresses. */
    @Override
    public String toString() {
        return "manager pid " + pid + " at " + socket;
    }
}
