package org.kernellib.mp.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CPython's {@code test_imap_handle_iterable_exception}: an input iterable that throws part-way.
 * One deliberate difference: Python drops the items of the unfinished chunk before the bad item;
 * here every item read before it gets its result, so nothing is lost.
 */
class PoolImapInputFailureTest {
    private static Pool pool;

    @BeforeAll
    static void open() {
        pool = new Pool(2);
    }

    @AfterAll
    static void shut() {
        List<Long> pids = pool.allWorkerPids();
        pool.close();
        PoolTest.assertNoneAlive(pids);
    }

    static final class SayWhen extends RuntimeException {
        SayWhen() {
            super("the input ends in an error here");
        }
    }

    /** Python's exception_throwing_generator(total, when): 0, 1, ..., when-1, then throws. */
    static Iterable<Integer> throwingAt(final int total, final int when) {
        return () -> new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < total;
            }

            @Override
            public Integer next() {
                if (i == when) {
                    throw new SayWhen();
                }
                return i++;
            }
        };
    }

    static int square(final int x) {
        return x * x;
    }

    @Test
    void imapYieldsTheResultsBeforeTheBadItemThenRaisesItsException() {
        for (int chunksize : new int[] {1, 2}) {
            ResultIterator<Integer> it = pool.imap(PoolImapInputFailureTest::square, throwingAt(20, 7), chunksize);
            for (int i = 0; i < 7; i++) {
                assertTrue(it.hasNext());
                assertEquals(i * i, it.next(), "chunksize " + chunksize);
            }
            assertTrue(it.hasNext(), "the error is still to come");
            assertThrows(SayWhen.class, it::next);
            assertThrows(SayWhen.class, it::next, "every later call fails the same way");
        }
    }

    @Test
    void imapOfAnIterableThatFailsAtOnceRaisesAtTheFirstNext() {
        ResultIterator<Integer> it = pool.imap(PoolImapInputFailureTest::square, throwingAt(5, 0));
        assertTrue(it.hasNext());
        assertThrows(SayWhen.class, it::next);
    }

    @Test
    void imapUnorderedYieldsEveryResultBeforeTheBadItemThenRaises() {
        ResultIterator<Integer> it = pool.imapUnordered(PoolImapInputFailureTest::square, throwingAt(10, 3));
        List<Integer> seen = new ArrayList<>();
        SayWhen e = assertThrows(SayWhen.class, () -> it.forEachRemaining(seen::add));
        seen.sort(null);
        assertEquals(List.of(0, 1, 4), seen);
        assertEquals("the input ends in an error here", e.getMessage());
    }

    @Test
    void anIterableThatEndsNormallyStillEndsNormally() {
        ResultIterator<Integer> it = pool.imap(PoolImapInputFailureTest::square, throwingAt(3, 99));
        List<Integer> all = new ArrayList<>();
        it.forEachRemaining(all::add);
        assertEquals(List.of(0, 1, 4), all);
        assertFalse(it.hasNext());
        assertSame(NoSuchElementException.class, assertThrows(NoSuchElementException.class, it::next).getClass());
        assertEquals(List.of(1, 4), pool.map(PoolImapInputFailureTest::square, List.of(1, 2)), "the pool still works");
    }
}
