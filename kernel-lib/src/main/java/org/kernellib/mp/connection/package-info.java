/**
 * Connections, the counterpart of CPython's {@code connection.py}. For users:
 * {@link org.kernellib.mp.connection.Pipe} and its two {@link org.kernellib.mp.connection.Connection}
 * ends, which any processes holding them use to send objects (over shared rings, see
 * {@code shared.queue}). Internally, the channels between a parent and its workers: length-prefixed frames ({@link org.kernellib.mp.connection.FrameDescriptor},
 * {@link org.kernellib.mp.connection.FrameIO}). Every worker's lifecycle runs over its own pipes:
 * frames to it on stdin, frames from it marked inside its stderr
 * ({@link org.kernellib.mp.connection.Sideband}, {@link org.kernellib.mp.connection.SidebandReader}),
 * so a worker needs no socket; a pool worker's work travels the same way (a large frame in
 * pieces). A manager's callers reach it over a Unix-domain socket in its owner's private runtime
 * directory ({@link org.kernellib.mp.connection.FrameChannel}). Never TCP: pipes are private to
 * parent and child, and the socket file's 0700 directory, the peer's user
 * ({@link org.kernellib.mp.connection.PeerCredentials}) and a token keep other users and other
 * processes out.
 */
package org.kernellib.mp.connection;
