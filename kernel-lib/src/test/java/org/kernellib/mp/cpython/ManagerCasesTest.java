package org.kernellib.mp.cpython;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kernellib.mp.manager.BarrierProxy;
import org.kernellib.mp.manager.DictProxy;
import org.kernellib.mp.manager.EventProxy;
import org.kernellib.mp.manager.ListProxy;
import org.kernellib.mp.manager.LockProxy;
import org.kernellib.mp.manager.NamespaceProxy;
import org.kernellib.mp.manager.QueueProxy;
import org.kernellib.mp.manager.ValueProxy;
import org.kernellib.mp.process.Process;
import org.kernellib.mp.process.Task;
import org.kernellib.mp.testing.ManagerPerClass;

/**
 * CPython's {@code _TestContainers} and {@code TestSyncManagerTypes} cases
 * ({@code Lib/test/_test_multiprocessing.py}), with the Java names: {@code l[:]} is
 * {@code copy()}, {@code append}/{@code extend} are {@code add}/{@code addAll},
 * {@code d[k] = v} is {@code put}, {@code n.name = v} is {@code set("name", v)},
 * {@code value.value} is {@code get()}. One manager for the class, as CPython's
 * {@code ManagerMixin} has. Where kernel-lib differs on purpose (iteration over a copy), the
 * test shows the difference and the README lists it.
 */
class ManagerCasesTest {
    private static final Duration LONG = Duration.ofSeconds(120);
    @RegisterExtension
    static final ManagerPerClass MANAGER = new ManagerPerClass();

    /** {@code TestSyncManagerTypes.run_worker}: {@code worker} in a child process, which must exit with 0. */
    static void runWorker(final Task worker) {
        Process p = new Process(worker).daemon(true);
        p.start();
        try {
            assertTrue(p.join(LONG), "the worker did not finish");
            assertEquals(OptionalInt.of(0), p.exitCode(), "the worker failed; its output above says why");
        } finally {
            if (p.isAlive()) {
                p.kill();
            }
        }
    }

    private static List<Integer> range(final int n) {
        return IntStream.range(0, n).boxed().collect(Collectors.toList());
    }

    // ---- _TestContainers --------------------------------------------------------------------

    @Test
    void testList() {
        ListProxy<Object> a = MANAGER.get().list(range(10));
        assertEquals(range(10), a.copy());

        ListProxy<Object> b = MANAGER.get().list();
        assertEquals(List.of(), b.copy());

        b.addAll(range(5));
        assertEquals(range(5), b.copy());

        assertEquals(2, b.get(2));
        assertEquals(List.of(2, 3, 4), b.subList(2, Math.min(10, b.size())));

        b.addAll(b.copy()); // b *= 2
        assertEquals(List.of(0, 1, 2, 3, 4, 0, 1, 2, 3, 4), b.copy());

        List<Object> sum = new ArrayList<>(b); // b + [5, 6]
        sum.addAll(List.of(5, 6));
        assertEquals(List.of(0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 5, 6), sum);

        assertEquals(range(10), a.copy());

        ListProxy<ListProxy<Object>> e = MANAGER.get().list(List.of(a, b));
        assertEquals(List.of(range(10), List.of(0, 1, 2, 3, 4, 0, 1, 2, 3, 4)),
                e.stream().map(ListProxy::copy).collect(Collectors.toList()));

        ListProxy<ListProxy<Object>> f = MANAGER.get().list(List.of(a));
        a.add("hello");
        List<Object> expected = new ArrayList<>(range(10));
        expected.add("hello");
        assertEquals(expected, f.get(0).copy());
    }

    @Test
    void testListIsinstance() {
        ListProxy<Integer> a = MANAGER.get().list();
        // Python checks for MutableSequence and its methods; a ListProxy is a java.util.List,
        // and each of Python's methods has its List counterpart, exercised here.
        assertInstanceOf(List.class, a);
        a.addAll(List.of(3, 1, 2));                    // extend
        a.add(0, 0);                                   // insert
        assertTrue(a.contains(2));                     // __contains__
        assertEquals(1, Collections.frequency(a, 2));  // count
        assertEquals(3, a.indexOf(2));                 // index
        a.set(0, 9);                                   // __setitem__
        assertEquals(9, a.remove(0));                  // pop(0)
        assertTrue(a.remove((Object) 1));              // remove
        Collections.reverse(a);                        // reverse
        assertEquals(List.of(2, 3), a.copy());
        a.clear();                                     // clear
        assertEquals(0, a.size());                     // __len__
    }

    /**
     * Python iterates a list proxy by index, one round-trip per item, so an iterator sees a change
     * made after it was created; kernel-lib iterates a copy taken in one round-trip (a consistent
     * state, one message), so it does not. The README lists the difference.
     */
    @Test
    void testListIter() {
        ListProxy<Integer> a = MANAGER.get().list(range(10));
        Iterator<Integer> it = a.iterator();
        List<Integer> seen = new ArrayList<>();
        it.forEachRemaining(seen::add);
        assertEquals(range(10), seen);
        assertFalse(it.hasNext(), "exhausted");
        it = a.iterator();
        a.set(0, 100);
        assertEquals(0, it.next(), "kernel-lib: the iterator walks the copy taken when it was made (Python: 100)");
        assertEquals(100, a.iterator().next());
    }

    @Test
    void testListProxyInList() {
        List<ListProxy<Integer>> inners = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            inners.add(MANAGER.get().list(range(3)));
        }
        ListProxy<ListProxy<Integer>> a = MANAGER.get().list(inners);
        assertEquals(List.of(range(3), range(3), range(3)),
                a.stream().map(ListProxy::copy).collect(Collectors.toList()));

        ListProxy<Integer> a0 = a.get(0);
        a0.set(a0.size() - 1, 55);
        assertEquals(List.of(0, 1, 55), a.get(0).copy());
        for (int i = 1; i < 3; i++) {
            assertEquals(range(3), a.get(i).copy());
        }

        ListProxy<Integer> a1 = a.get(1);
        assertEquals(2, a1.remove(a1.size() - 1)); // pop()
        assertEquals(2, a.get(1).size());
        for (int i = 0; i < 3; i += 2) {
            assertEquals(3, a.get(i).size());
        }

        ListProxy<Object> b = MANAGER.get().list();
        b.add(b);
        assertEquals(1, b.size());
        assertEquals(ListProxy.class, b.get(0).getClass(), "a list may hold a proxy to itself");
        assertEquals("[(this Collection)]", b.toString(), "shown as Java shows a list holding itself");
        DictProxy<String, Object> d = MANAGER.get().dict();
        d.put("me", d);
        assertEquals("{me=(this Map)}", d.toString());
    }

    @Test
    void testDict() {
        DictProxy<Integer, String> d = MANAGER.get().dict();
        List<Integer> indices = IntStream.range(65, 70).boxed().collect(Collectors.toList());
        for (int i : indices) {
            d.put(i, Character.toString(i));
        }
        Map<Integer, String> expected = new LinkedHashMap<>();
        indices.forEach(i -> expected.put(i, Character.toString(i)));
        assertEquals(expected, d.copy());
        assertEquals(indices, d.keySet().stream().sorted().collect(Collectors.toList()));
        assertEquals(indices.stream().map(Character::toString).collect(Collectors.toList()),
                d.values().stream().sorted().collect(Collectors.toList()));
        assertEquals(List.copyOf(expected.entrySet()), d.entrySet().stream()
                .sorted(Map.Entry.comparingByKey()).collect(Collectors.toList()));
    }

    @Test
    void testDictIsinstance() {
        DictProxy<String, Integer> a = MANAGER.get().dict();
        // Python checks for MutableMapping and its methods; a DictProxy is a ConcurrentMap.
        assertInstanceOf(ConcurrentMap.class, a);
        a.putAll(Map.of("x", 1));                      // update
        assertEquals(1, a.putIfAbsent("x", 2));        // setdefault
        assertTrue(a.containsKey("x"));                // __contains__
        assertEquals(Map.of("x", 1), a);               // __eq__
        assertEquals(1, a.get("x"));                   // __getitem__, get
        assertEquals(1, a.remove("x"));                // pop
        assertTrue(a.isEmpty());                       // __len__
        a.put("y", 2);                                 // __setitem__
        assertEquals(List.of("y"), List.copyOf(a.keySet()));
        assertEquals(List.of(2), List.copyOf(a.values()));
        assertEquals(1, a.entrySet().size());          // items
        a.clear();
        assertEquals(0, a.size());
    }

    /**
     * Python's dict proxy iterates in the manager, so clearing the dict makes the next
     * {@code next()} raise RuntimeError; kernel-lib iterates a copy of the keys, so the iterator
     * goes on over the keys it copied. The README lists the difference.
     */
    @Test
    void testDictIter() {
        DictProxy<Integer, String> d = MANAGER.get().dict();
        List<Integer> indices = IntStream.range(65, 70).boxed().collect(Collectors.toList());
        for (int i : indices) {
            d.put(i, Character.toString(i));
        }
        Iterator<Integer> it = d.keySet().iterator();
        List<Integer> seen = new ArrayList<>();
        it.forEachRemaining(seen::add);
        assertEquals(indices, seen);
        assertFalse(it.hasNext(), "exhausted");
        it = d.keySet().iterator();
        d.clear();
        assertEquals(65, it.next(), "kernel-lib: the copy is unaffected (Python: RuntimeError)");
    }

    @Test
    void testDictProxyNested() {
        DictProxy<String, Integer> pets = MANAGER.get().dict(ordered("ferrets", 2, "hamsters", 4));
        DictProxy<String, Integer> supplies = MANAGER.get().dict(ordered("water", 10, "feed", 3));
        DictProxy<String, DictProxy<String, Integer>> d = MANAGER.get().dict(ordered("pets", pets, "supplies", supplies));

        assertEquals(10, supplies.get("water"));
        assertEquals(10, d.get("supplies").get("water"));

        d.get("supplies").put("blankets", 5);
        assertEquals(5, supplies.get("blankets"));
        assertEquals(5, d.get("supplies").get("blankets"));

        d.get("supplies").put("water", 7);
        assertEquals(7, supplies.get("water"));
        assertEquals(7, d.get("supplies").get("water"));

        assertEquals(2, d.get("pets").get("ferrets"));
        d.get("supplies").put("blankets", 11);
        assertEquals(11, d.get("supplies").get("blankets"));

        DictProxy<String, Integer> pets2 = d.get("pets");
        DictProxy<String, Integer> supplies2 = d.get("supplies");
        supplies2.put("water", 7);
        assertEquals(7, supplies2.get("water"));
        assertEquals(7, d.get("supplies").get("water"));

        d.clear();
        assertEquals(0, d.size());
        assertEquals(7, supplies2.get("water"), "a nested dict outlives its removal from the outer one");
        assertEquals(4, pets2.get("hamsters"));

        ListProxy<DictProxy<String, Integer>> l = MANAGER.get().list(List.of(pets2, supplies2));
        l.get(0).put("marmots", 1);
        assertEquals(1, pets2.get("marmots"));
        assertEquals(1, l.get(0).get("marmots"));

        ListProxy<Object> outer = MANAGER.get().list(List.of(List.of(88, 99), l));
        assertFalse(outer.get(0) instanceof ListProxy, "a plain list is stored as a copy, not a proxy");
        assertEquals(List.of(88, 99), outer.get(0));
        @SuppressWarnings("unchecked")
        ListProxy<DictProxy<String, Integer>> last = (ListProxy<DictProxy<String, Integer>>) outer.get(outer.size() - 1);
        assertEquals(3, last.get(last.size() - 1).get("feed"));
    }

    private static <V> Map<String, V> ordered(final String k1, final V v1, final String k2, final V v2) {
        Map<String, V> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    @Test
    void testNestedQueue() {
        ListProxy<QueueProxy<Integer>> a = MANAGER.get().list(); // a queue inside a list
        a.add(MANAGER.get().queue());
        a.get(0).put(123);
        assertEquals(123, a.get(0).get());
        DictProxy<Integer, QueueProxy<Integer>> b = MANAGER.get().dict(); // a queue inside a dict
        b.put(0, MANAGER.get().queue());
        b.get(0).put(456);
        assertEquals(456, b.get(0).get());
    }

    @Test
    void testNamespace() {
        NamespaceProxy n = MANAGER.get().namespace();
        n.set("name", "Bob");
        n.set("job", "Builder");
        n.set("_hidden", "hidden");
        assertEquals(List.of("Bob", "Builder"), List.of(n.get("name"), n.get("job")));
        n.delete("job");
        assertEquals("Namespace(name=Bob)", n.toString(), "as in Python, names starting with _ are not shown");
        assertTrue(n.has("name"));
        assertFalse(n.has("job"));
        assertThrows(NoSuchElementException.class, () -> n.get("job"));
    }

    // ---- TestSyncManagerTypes: each object made here, used in a worker, checked here --------

    @Test
    void testEventSyncManagerTypes() {
        EventProxy o = MANAGER.get().event();
        o.set();
        runWorker(() -> {
            check(o.isSet(), "is_set");
            o.await();
            o.clear();
            o.await(Duration.ofMillis(1));
        });
        assertFalse(o.isSet());
        o.await(Duration.ofMillis(1));
    }

    @Test
    void testLockSyncManagerTypes() {
        LockProxy o = MANAGER.get().lock();
        runWorker(() -> {
            o.acquire();
            o.isLocked();
        });
        o.release();
        assertThrows(IllegalStateException.class, o::release, "already released");
    }

    @Test
    void testBarrierSyncManagerTypes() {
        BarrierProxy o = MANAGER.get().barrier(5);
        runWorker(() -> {
            check(o.parties() == 5, "parties");
            o.reset();
        });
    }

    /** Also {@code test_joinable_queue}: a manager's {@code JoinableQueue} is this same queue. */
    @Test
    void testQueueSyncManagerTypes() {
        QueueProxy<Integer> o = MANAGER.get().queue(2);
        o.put(5);
        o.put(6);
        runWorker(() -> {
            check(o.qsize() == 2, "qsize");
            check(o.full(), "full");
            check(!o.empty(), "not empty");
            check(o.get() == 5, "first");
            check(!o.empty(), "not empty after one get");
            check(o.get() == 6, "second");
            check(o.empty(), "empty");
        });
        assertTrue(o.empty());
        assertFalse(o.full());
    }

    @Test
    void testListSyncManagerTypes() {
        ListProxy<Integer> o = MANAGER.get().list();
        o.add(5);
        runWorker(() -> {
            assertEquals(5, o.get(0));
            assertEquals(1, Collections.frequency(o, 5));  // count
            assertEquals(0, o.indexOf(5));                 // index
            o.addAll(List.of(7));                          // obj += [7]
            assertEquals(List.of(5, 7), new ArrayList<>(o));
            o.addAll(o.copy());                            // obj *= 2
            assertEquals(List.of(5, 7, 5, 7), new ArrayList<>(o));
            List<Integer> doubleObj = new ArrayList<>(o);  // obj * 2: a plain list
            doubleObj.addAll(o);
            assertEquals(List.of(5, 7, 5, 7, 5, 7, 5, 7), doubleObj);
            List<Integer> copiedObj = o.copy();
            assertEquals(List.of(5, 7, 5, 7), copiedObj);
            List<Integer> more = new ArrayList<>(doubleObj);
            more.addAll(copiedObj);
            o.addAll(more);                                // obj.extend(double_obj + copied_obj)
            o.sort(null);                                  // obj.sort()
            Collections.reverse(o);                        // obj.reverse()
            for (int x : o) {
                check(x == 5 || x == 7, "element " + x);
            }
            assertEquals(16, o.size());
            assertEquals(7, o.remove(0));                  // pop(0)
            o.clear();
            assertEquals(0, o.size());
        });
        assertEquals(0, o.size());
    }

    @Test
    void testDictSyncManagerTypes() {
        DictProxy<String, Integer> o = MANAGER.get().dict();
        o.put("foo", 5);
        runWorker(() -> {
            assertEquals(1, o.size());
            assertEquals(5, o.get("foo"));
            assertEquals(List.of(Map.entry("foo", 5)), List.copyOf(o.entrySet()));
            assertEquals(List.of("foo"), List.copyOf(o.keySet()));
            assertEquals(List.of(5), List.copyOf(o.values()));
            assertEquals(Map.of("foo", 5), o.copy());
            o.putAll(Map.of("bar", 6));                    // obj |= {'bar': 6}
            assertEquals(Map.of("foo", 5, "bar", 6), Map.copyOf(o));
            List<String> reversed = new ArrayList<>(o.keySet());
            Collections.reverse(reversed);
            assertEquals(List.of("bar", "foo"), reversed); // insertion order, as a dict's
            Map<String, Integer> x = new LinkedHashMap<>(Map.of("bar", 7, "baz", 7)); // {...} | obj
            x.putAll(o);
            assertEquals(Map.of("foo", 5, "bar", 6, "baz", 7), x);
            x = new LinkedHashMap<>(o);                    // obj | {...}
            x.putAll(Map.of("bar", 7, "baz", 7));
            assertEquals(Map.of("foo", 5, "bar", 7, "baz", 7), x);
            assertEquals(6, o.remove("bar"));              // popitem() (Java has no popitem)
            o.putIfAbsent("bar", 0);                       // setdefault
            o.putAll(Map.of("bar", 7));                    // update
            assertEquals(7, o.remove("bar"));              // pop
            o.clear();
            assertEquals(0, o.size());
        });
        assertEquals(0, o.size());
    }

    @Test
    void testValueSyncManagerTypes() {
        ValueProxy<Integer> o = MANAGER.get().value(1);
        runWorker(() -> {
            assertEquals(1, o.get());
            o.set(2);
        });
        assertEquals(2, o.get());
    }

    @Test
    void testNamespaceSyncManagerTypes() {
        NamespaceProxy o = MANAGER.get().namespace();
        o.set("x", 0);
        o.set("y", 1);
        runWorker(() -> {
            assertEquals(0, (Integer) o.get("x"));
            assertEquals(1, (Integer) o.get("y"));
        });
    }

    private static void check(final boolean condition, final String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
