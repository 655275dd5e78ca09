package org.kernellib.mp.connection;

/**
 * One message read from or written to a {@link FrameChannel}; see {@link FrameDescriptor}.
 *
 * @param type one of the {@link FrameDescriptor} type constants
 * @param requestId pairs a class request with its answer, 0 otherwise
 * @param payload the bytes after the header, never null
 */
public record Frame(byte type, int requestId, byte[] payload) {
}
