package org.kernellib.mp.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.testing.JShellHarness;

/** How a worker, local or a cluster's node, decodes and runs a call it received as bytes. */
public class ChunkExecutionTest { // public: a JShell cell writes its payload here
    /** The encoded call a cell made. */
    public static volatile byte[] payload;

    @Test
    void theSnippetClassesThatCameWithACallAreNotAskedForAgain() throws Exception {
        try (JShellHarness shell = new JShellHarness("java.util.*", "org.kernellib.mp.pool.*")) {
            shell.eval("int offset = 40;");
            shell.eval("int plus(int x) { return x + offset; }");
            shell.eval("org.kernellib.mp.pool.ChunkExecutionTest.payload = org.kernellib.mp.serial.TaskPayload.prepare("
                    + "(SerializableFunction<Integer, Integer>) x -> plus(x), \"call\", true, \"kernel\", "
                    + "loaders -> List.of()).encode();");
        }
        List<String> asked = new ArrayList<>();
        ChunkExecution execution = new ChunkExecution();
        ChunkExecution.Call call = execution.prepare(payload, name -> {
            asked.add(name);
            return null;
        });
        ChunkExecution.Reply r = execution.run(call, chunk(1, 2), false);

        // each would be a round trip to the kernel: on a cluster, a network call per class per call
        assertEquals(List.of(), asked);
        assertEquals(PoolProtocol.RESULT, r.type(), () -> new String(r.payload(), java.nio.charset.StandardCharsets.UTF_8));
        Object[] results = PoolCodec.decode(PoolProtocol.tail(r.payload(), 20), getClass().getClassLoader());
        assertArrayEquals(new Object[] {41, 42}, results);
    }

    /** Chunk 0 of the items, as the pool cuts it: {@code int chunk, int firstItem}, the items. */
    private static byte[] chunk(final Object... items) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(bos)) {
            d.writeInt(0);
            d.writeInt(0);
            d.write(PoolCodec.encode(items));
        }
        return bos.toByteArray();
    }
}
