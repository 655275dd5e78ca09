package org.kernellib.mp.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One chunk of a pool call as the kernel sends it to a node ({@link ChunkTransport}), and the
 * node's answer: plain bytes both ways, so Ignite marshals no object of kernel-lib or the notebook.
 *
 * <p>Request layout: {@code UTF id, UTF call key, int n, n bytes payload, int m, m bytes chunk}:
 * the chunk's name (unique in the cluster, for {@link ChunkCancel} and to match the answer), the
 * call's key in the kernel (its classes, and the node's decoded copy, {@link NodeCalls}), the
 * call's encoded function with the notebook state copied at the call, and the chunk as
 * {@code ChunkExecution.run} takes it.
 *
 * <p>Answer layout: {@code UTF id}, then the node's reply as {@link NodeCalls#encode} lays it out.
 */
record ChunkRequest(String id, String call, byte[] payload, byte[] chunk) {

    byte[] encode() {
        ByteArrayOutputStream bos = new ByteArrayOutputStream(payload.length + chunk.length + 128);
        try (DataOutputStream d = new DataOutputStream(bos)) {
            d.writeUTF(id);
            d.writeUTF(call);
            d.writeInt(payload.length);
            d.write(payload);
            d.writeInt(chunk.length);
            d.write(chunk);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return bos.toByteArray();
    }

    static ChunkRequest decode(final byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return new ChunkRequest(in.readUTF(), in.readUTF(), NodeCalls.bytes(in), NodeCalls.bytes(in));
        } catch (IOException e) {
            throw new UncheckedIOException("not a chunk request (" + bytes.length + " bytes): " + e, e);
        }
    }

    /** The answer to chunk {@code id}: its id, then {@code reply}. */
    static byte[] answer(final String id, final byte[] reply) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream(reply.length + id.length() + 2);
        try (DataOutputStream d = new DataOutputStream(bos)) {
            d.writeUTF(id);
            d.write(reply);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return bos.toByteArray();
    }

    /** An answer as the kernel reads it: the chunk it is for, and the node's reply. */
    record Answer(String id, byte[] reply) {
    }

    static Answer readAnswer(final byte[] answer) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(answer))) {
            return new Answer(in.readUTF(), in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("not a chunk answer (" + answer.length + " bytes): " + e, e);
        }
    }
}
