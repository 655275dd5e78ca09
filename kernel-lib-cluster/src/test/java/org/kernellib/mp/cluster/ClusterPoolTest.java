package org.kernellib.mp.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Notebook-style, as JJava runs cells (a local JShell): cell methods, lambdas, records and
 * top-level variables run on a 2-node local cluster through the same Pool API as locally. One
 * cluster for the class; the last tests kill its servers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterPoolTest {
    private static JShell shell;

    @BeforeAll
    static void openShell() {
        shell = JShell.builder().executionEngine("local")
                .compilerOptions("--class-path", System.getProperty("java.class.path"))
                .build();
        eval("import java.util.*;");
        eval("import org.kernellib.mp.pool.*;");
        eval("import org.kernellib.mp.cluster.*;");
        eval("var cluster = Cluster.startLocal(2);");
        eval("var pool = Pool.builder().cluster(cluster).build();");
    }

    @AfterAll
    static void closeShell() {
        try {
            eval("pool.close();");
            eval("cluster.close();");
        } finally {
            shell.close();
        }
    }

    /** Evaluates each snippet of {@code code} in turn (JShell's eval takes one); returns the last one's value. */
    static String eval(final String code) {
        String value = null;
        String rest = code;
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = shell.sourceCodeAnalysis().analyzeCompletion(rest);
            if (!info.completeness().isComplete()) {
                return evalOne(rest);
            }
            value = evalOne(info.source());
            rest = info.remaining();
        }
        return value;
    }

    private static String evalOne(final String code) {
        String value = null;
        for (SnippetEvent e : shell.eval(code)) {
            if (e.exception() != null) {
                throw new AssertionError("snippet threw: " + e.exception() + "\n" + code, e.exception());
            }
            if (e.status() == Snippet.Status.REJECTED) {
                throw new AssertionError("snippet rejected: " + shell.diagnostics(e.snippet()).map(Diag::toString)
                        .collect(Collectors.joining("; ")) + "\n" + code);
            }
            if (e.causeSnippet() == null) {
                value = e.value();
            }
        }
        return value;
    }

    @Test
    @Order(1)
    void cellCodeRunsOnTheNodesWithTheSameResultsAsLocally() {
        eval("record Point(int x, int y) implements java.io.Serializable { int norm() { return x * x + y * y; } }");
        eval("int offset = 7;");
        eval("long cube(int n) { return (long) n * n * n + offset; }");
        eval("var items = new ArrayList<Integer>(); for (int i = 0; i < 200; i++) items.add(i);");
        eval("List<Long> onCluster = pool.map(n -> cube(n), items);");
        eval("List<Long> local; try (var lp = new Pool(1)) { local = lp.map(n -> cube(n), items); }");
        assertEquals(eval("local"), eval("onCluster"));
        assertEquals("7", eval("onCluster.get(0)"));
        assertEquals(String.valueOf(199L * 199 * 199 + 7), eval("onCluster.get(199)"));
        // records travel as items and results; a redefinition and a new value are seen by the next call
        assertEquals("[25, 169]", eval("pool.map((Point p) -> p.norm(), List.of(new Point(3, 4), new Point(5, 12)))"));
        eval("offset = 1000;");
        eval("long cube(int n) { return (long) n * n * n - offset; }");
        assertEquals("[-1000, -999, -992]", eval("pool.map(n -> cube(n), List.of(0, 1, 2))"));
        assertEquals("[Point[x=2, y=1]]", eval("pool.map((Point p) -> new Point(p.y(), p.x()), List.of(new Point(1, 2)))"));
    }

    @Test
    @Order(2)
    void theWholeApiAnswersAsLocally() {
        eval("var inOrder = new ArrayList<Integer>(); for (int v : pool.imap((Integer n) -> n * n, List.of(0, 1, 2, 3, 4))) inOrder.add(v);");
        assertEquals("[0, 1, 4, 9, 16]", eval("inOrder"));
        eval("var asDone = new ArrayList<Integer>(); for (int v : pool.imapUnordered((Integer n) -> n * n, List.of(0, 1, 2, 3, 4), 2)) asDone.add(v);");
        assertEquals("[0, 1, 4, 9, 16]", eval("asDone.stream().sorted().toList()"));
        assertEquals("[6, 20]", eval("pool.starmap((Integer a, Integer b) -> a * b, List.of(Map.entry(2, 3), Map.entry(4, 5)))"));
        assertEquals("\"HELLO\"", eval("pool.apply((String s) -> s.toUpperCase(), \"hello\")"));
        assertEquals("42", eval("pool.applyAsync((Integer n) -> n + 1, 41).get()"));
        assertEquals("[2, 3, 4]", eval("pool.mapAsync((Integer n) -> n + 1, List.of(1, 2, 3)).get()"));
        assertEquals("[1, 2, 3, 4, 5, 6, 7]", eval("pool.map((Integer n) -> n, List.of(1, 2, 3, 4, 5, 6, 7), 3)"));
        // the timeline names the nodes that ran each chunk, by their name and pid
        String nodes = eval("pool.timeline().stream().map(e -> e.worker() + \"/\" + e.pid()).distinct().sorted().toList().toString()");
        String servers = eval("cluster.localServers().stream().map(s -> s.name() + \"/\" + s.pid()).sorted().toList().toString()");
        for (String n : nodes.replaceAll("[\\[\\]\"]", "").split(", ")) {
            assertTrue(servers.contains(n), n + " is not one of " + servers);
        }
    }

    @Test
    @Order(3)
    void aTaskFailureNamesTheNodeAndTheItem() {
        eval("String failure = null; try { pool.map((Integer n) -> 10 / (n - 3), List.of(1, 2, 3, 4), 1); } "
                + "catch (PoolTaskException e) { failure = e.getMessage(); }");
        String msg = eval("failure");
        assertTrue(msg.contains("on item #2") && msg.contains("ArithmeticException") && msg.contains("server-"), msg);
        assertEquals("[1, 2]", eval("pool.map((Integer n) -> n, List.of(1, 2))"), "the pool stays usable");
    }

    @Test
    @Order(4)
    void valuesLocksSemaphoresAndQueuesWorkFromCellCodeOnTheNodes() {
        eval("var hits = cluster.longValue(\"hits\");");
        eval("var bank = cluster.lock(\"bank\");");
        // the bank race fixed by the cluster lock: 4 chunks on 2 nodes, 25 locked read-modify-writes each
        eval("pool.map((Integer n) -> { for (int i = 0; i < 25; i++) { try (var held = bank.hold()) { hits.set(hits.get() + 1); } } return n; }, List.of(0, 1, 2, 3), 1);");
        assertEquals("100", eval("hits.get()"));
        assertEquals("102", eval("hits.addAndGet(2)"));
        assertEquals("false", eval("bank.isLocked()"));
        eval("ClusterQueue<String> words = cluster.queue(\"words\", 10);");
        eval("pool.map((Integer n) -> { words.put(\"w\" + n); return n; }, List.of(1, 2, 3), 1);");
        assertEquals("3", eval("words.qsize()"));
        eval("var taken = new ArrayList<String>(); while (!words.empty()) taken.add(words.getNowait());");
        assertEquals("[w1, w2, w3]", eval("taken.stream().sorted().toList()"));
        eval("var permits = cluster.semaphore(\"permits\", 2);");
        eval("var got = new ArrayList<Boolean>(); for (int i = 0; i < 3; i++) got.add(pool.apply((Integer x) -> permits.tryAcquire(), i));");
        assertEquals("[true, true, false]", eval("got"));
        assertEquals("0", eval("permits.getValue()"));
        eval("permits.release(); permits.release();");
        assertEquals("2", eval("permits.getValue()"));
    }

    @Test
    @Order(5)
    void anInterruptCancelsTheCallsJobsAndThePoolCarriesOn() {
        eval("var cancelled = new java.util.concurrent.atomic.AtomicLong(-1);");
        eval("var waiter = new Thread(() -> { long t = 0; try { pool.map((Integer n) -> { try { Thread.sleep(5_000); } "
                + "catch (InterruptedException e) { throw new RuntimeException(e); } return n; }, List.of(1, 2, 3, 4), 1); } "
                + "catch (PoolInterruptedException e) { cancelled.set(System.nanoTime()); } });");
        eval("waiter.start(); Thread.sleep(1000);");
        eval("long interruptedAt = 0;");
        eval("{ interruptedAt = System.nanoTime(); waiter.interrupt(); waiter.join(10_000); }");
        long ms = Long.parseLong(eval("cancelled.get() < 0 ? -1 : (cancelled.get() - interruptedAt) / 1_000_000"));
        assertTrue(ms >= 0 && ms < 2000, "the interrupted map ended " + ms + " ms after the interrupt (-1: it did not)");
        assertEquals("[2, 3]", eval("pool.map((Integer n) -> n + 1, List.of(1, 2))"), "the pool stays usable");
    }

    @Test
    @Order(6)
    void aServerKilledMidMapLeavesTheMapToTheSurvivor() {
        eval("var slow = new ArrayList<Integer>(); for (int i = 0; i < 40; i++) slow.add(i);");
        eval("var pending = pool.mapAsync((Integer n) -> { try { Thread.sleep(100); } catch (InterruptedException e) { throw new RuntimeException(e); } return n * 3; }, slow, 1);");
        eval("while (pool.timeline().stream().filter(e -> e.call().equals(\"mapAsync\")).count() < 4) Thread.sleep(10);");
        eval("var victim = cluster.localServers().get(0); cluster.kill(victim);");
        eval("List<Integer> survived = pending.get();");
        eval("var expected = new ArrayList<Integer>(); for (int i = 0; i < 40; i++) expected.add(i * 3);");
        assertEquals("true", eval("survived.equals(expected)"));
        assertEquals("1", eval("cluster.nodes().size()"));
        // the value made before the kill survived it: it has a backup on the survivor
        assertEquals("102", eval("hits.get()"));
    }

    @Test
    @Order(7)
    void withNoServerLeftACallFailsWithinASecond() {
        eval("var last = cluster.localServers().get(1);");
        eval("var running = pool.mapAsync((Integer n) -> { try { Thread.sleep(200); } catch (InterruptedException e) { throw new RuntimeException(e); } return n; }, slow, 1);");
        eval("String lost = null; long failedMs = -1;");
        // one snippet, so that the time measured is the pool's, not JShell compiling the next snippet
        eval("{ Thread.sleep(500); cluster.kill(last); long killedAt = System.nanoTime(); "
                + "try { running.get(); } catch (PoolException e) { lost = e.getMessage(); } "
                + "failedMs = (System.nanoTime() - killedAt) / 1_000_000; }");
        String msg = eval("lost");
        long ms = Long.parseLong(eval("failedMs"));
        assertTrue(msg != null && msg.contains("no server node"), msg);
        assertTrue(ms < 1000, "the call failed " + ms + " ms after the last server was killed: " + msg);
    }
}
