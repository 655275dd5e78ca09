package org.kernellib.mp.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad arguments get an error that names them, before any work is sent. */
class PoolArgumentsTest {
    private static Pool pool;

    @BeforeAll
    static void open() {
        pool = new Pool(1);
    }

    @AfterAll
    static void shut() {
        List<Long> pids = pool.allWorkerPids();
        pool.close();
        PoolTest.assertNoneAlive(pids);
    }

    private static void assertNullNamed(final String argument, final String call, final Executable e) {
        NullPointerException x = assertThrows(NullPointerException.class, e);
        assertEquals("the argument '" + argument + "' of " + call + " is null", x.getMessage());
    }

    @Test
    void aNullFunctionOrNullItemsAreNamed() {
        List<Integer> items = List.of(1, 2);
        assertNullNamed("fn", "map", () -> pool.map(null, items));
        assertNullNamed("items", "map", () -> pool.map(x -> x, null));
        assertNullNamed("fn", "mapAsync", () -> pool.mapAsync(null, items));
        assertNullNamed("fn", "apply", () -> pool.apply(null, 1));
        assertNullNamed("fn", "imap", () -> pool.imap(null, items));
        assertNullNamed("items", "imapUnordered", () -> pool.imapUnordered(x -> x, null));
        assertNullNamed("pairs", "starmap", () -> pool.starmap((Integer a, Integer b) -> a + b, null));
        assertNullNamed("argLists", "starmap", () -> pool.starmap(a -> a.length, null));
        NullPointerException pair = assertThrows(NullPointerException.class,
                () -> pool.starmap((Integer a, Integer b) -> a + b, Arrays.asList(Map.entry(1, 2), null)));
        assertEquals("pair #1 given to starmap is null", pair.getMessage());
        assertEquals(List.of(1, 2), pool.map(x -> x, items), "the pool still works");
    }

    @Test
    void aNegativeChunkSizeIsAnErrorNotIgnored() {
        List<Integer> items = List.of(1, 2, 3);
        for (Executable e : List.<Executable>of(() -> pool.map(x -> x, items, -1), () -> pool.mapAsync(x -> x, items, -2),
                () -> pool.imap(x -> x, items, -3), () -> pool.imapUnordered(x -> x, items, -4),
                () -> pool.starmap((Integer a, Integer b) -> a + b, List.of(Map.entry(1, 2)), -5))) {
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
            assertTrue(x.getMessage().startsWith("chunksize must be positive, or 0 for the default, not -"), x.getMessage());
        }
        assertEquals(List.of(1, 2, 3), pool.map(x -> x, items, 0), "0 still means the default");
        List<Integer> got = new java.util.ArrayList<>();
        pool.<Integer, Integer>imap(x -> x, items, 0).forEach(got::add);
        assertEquals(List.of(1, 2, 3), got, "and 1 for imap");
    }
}
