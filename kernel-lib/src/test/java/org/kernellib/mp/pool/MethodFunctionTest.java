package org.kernellib.mp.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.serial.TaskPayload;
import org.kernellib.mp.serial.TaskReference;

/** A pool's function by name: which functions go so, and that the worker's copy behaves like the lambda. */
class MethodFunctionTest {
    record Point(int x, int y) {
    }

    static int twice(final Integer x) {
        return 2 * x;
    }

    static Object fail(final String why) throws IOException {
        throw new IOException(why);
    }

    private static TaskPayload payload(final SerializableFunction<?, ?> fn) throws IOException {
        return TaskPayload.decode(TaskPayload.prepare(fn, "fn", true, "MainProcess", loaders -> List.of()).encode());
    }

    private static MethodFunction read(final SerializableFunction<?, ?> fn) throws Exception {
        TaskReference r = payload(fn).reference();
        assertNotNull(r, "goes by name");
        assertEquals(1, r.parameters(), "the item is the method's last parameter");
        return MethodFunction.of(r, MethodFunctionTest.class.getClassLoader());
    }

    @Test
    void theInterfaceNamedInSerialIsThePools() throws Exception {
        java.lang.reflect.Field f = TaskReference.class.getDeclaredField("POOL_FUNCTION_INTERFACE");
        f.setAccessible(true);
        assertEquals(SerializableFunction.class.getName().replace('.', '/'), f.get(null));
    }

    @Test
    void lambdasCapturingValuesAndStaticMethodReferencesGoByNameAndGiveTheLambdasResults() throws Exception {
        int offset = 5;
        String tag = "p";
        assertEquals("p7", read((Integer x) -> tag + (x + offset - 3)).apply(5));
        assertEquals(42, read((SerializableFunction<Integer, Integer>) MethodFunctionTest::twice).apply(21));
        assertEquals(3, read((Point p) -> p.x() + p.y()).apply(new Point(1, 2)), "an item of the notebook's own type");
        assertEquals(6, read((int[] a) -> a.length * 2).apply(new int[3]), "an array item");
        assertEquals("null!", read((String s) -> s + "!").apply(null), "null passes, as to the lambda");
    }

    private static SerializableFunction<Integer, Integer> adding(final int k) {
        return x -> x + k;
    }

    @Test
    void oneLambdaReadAgainWithOtherCapturedValuesUsesTheirs() throws Exception {
        // the worker keeps the method's handle per class (a pool decodes every call anew): not its values
        MethodFunction two = read(adding(2));
        MethodFunction three = read(adding(3));
        assertEquals(12, three.apply(9));
        assertEquals(11, two.apply(9));
        assertEquals(10, read(adding(1)).apply(9));
    }

    @Test
    void aWrongItemOrAThrowingMethodFailsAsTheLambdaWould() throws Exception {
        MethodFunction f = read((Integer x) -> x + 1);
        ClassCastException cce = assertThrows(ClassCastException.class, () -> f.apply("not a number"));
        assertTrue(cce.getMessage().contains("java.lang.String") && cce.getMessage().contains("java.lang.Integer"),
                cce.getMessage());
        IOException io = assertThrows(IOException.class, () -> read((SerializableFunction<String, Object>) MethodFunctionTest::fail).apply("why"));
        assertEquals("why", io.getMessage(), "unwrapped, not an InvocationTargetException");
    }

    @Test
    void functionsWithStateOrAPrimitiveItemStaySerialized() throws Exception {
        List<Integer> state = List.of(1);
        assertNull(payload((Integer x) -> x + state.get(0)).reference(), "an object captured is state");
        assertNull(payload((SerializableFunction<Integer, Integer>) Math::abs).reference(),
                "Math::abs takes an int: the lambda's unboxing (and its NullPointerException) stays the lambda's");
        String receiver = "abc";
        assertNotNull(payload((Integer i) -> receiver.charAt(i)).reference(), "a captured string goes by value");
    }
}
