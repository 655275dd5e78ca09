/**
 * The control channel between a parent and its workers, the counterpart of CPython's
 * {@code connection.py}: length-prefixed frames ({@link org.kernellib.mp.connection.FrameDescriptor})
 * over a Unix-domain socket in the parent's private runtime directory
 * ({@link org.kernellib.mp.connection.ControlServer}, {@link org.kernellib.mp.connection.Connection}).
 * Never TCP: the socket file's 0700 directory and a per-worker token keep other users and other
 * processes out.
 */
package org.kernellib.mp.connection;
