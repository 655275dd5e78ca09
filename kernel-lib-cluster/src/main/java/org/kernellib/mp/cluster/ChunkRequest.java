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
 * <p>Answer layout: {@code UTF id, byte status}, then for {@link #RAN} the node's reply as
 * {@link NodeCalls#encode} lays it out, for {@link #FAILED} a {@code UTF} message: what kept the
 * node from running the chunk at all (an error inside the function is a reply, not this).
 */
record ChunkRequest(String id, String call, byte[] payload, byte[] chunk) {
    /** An answer's status: the node ran the chunk (its function may still have failed: see the reply). */
    static final byte RAN = 0;
    /** An answer's status: the node could not run the chunk. */
    static final byte FAILED = 1;

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

    /** The answer to chunk {@code id}, which ran: its id, then {@code reply}. */
    static byte[] answer(final String id, final byte[] reply) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream(reply.length + id.length() + 3);
        try (DataOutputStream d = new DataOutputStream(bos)) {
            d.writeUTF(id);
            d.writeByte(RAN);
            d.write(reply);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return bos.toByteArray();
    }

    /** The answer to chunk {@code id}, which the node could not run: its id, then why. */
    static byte[] failed(final String id, final String why) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream(id.length() + why.length() + 8);
        try (DataOutputStream d = new DataOutputStream(bos)) {
            d.writeUTF(id);
            d.writeByte(FAILED);
            d.writeUTF(why.length() > 20_000 ? why.substring(0, 20_000) + " [...]" : why);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return bos.toByteArray();
    }

    /** The id a request names, if its bytes begin as a request's do; null if they do not. */
    static String idOf(final byte[] request) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(request))) {
            return in.readUTF();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * An answer as the kernel reads it: the chunk it is for, and the node's reply, or (reply
     * null) why the node could not run it.
     */
    record Answer(String id, byte[] reply, String failure) {
    }

    static Answer readAnswer(final byte[] answer) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(answer))) {
            String id = in.readUTF();
            byte status = in.readByte();
            return status == RAN ? new Answer(id, in.readAllBytes(), null) : new Answer(id, null, in.readUTF());
        } catch (IOException e) {
            throw new UncheckedIOException("not a chunk answer (" + answer.length + " bytes): " + e, e);
        }
    }
}
