package org.kernellib.mp.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.kernellib.mp.testing.JShellHarness;

/**
 * Notebook-style, as JJava runs cells (a local JShell): cell methods, lambdas, records and
 * top-level variables run on a 2-node local cluster through the same Pool API as locally. One
 * cluster for the class; the last tests kill its servers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterPoolTest {
    private static JShellHarness shell;

    @BeforeAll
    static void openShell() {
        shell = new JShellHarness("java.util.*", "org.kernellib.mp.pool.*", "org.kernellib.mp.cluster.*");
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

    static String eval(final String code) {
        return shell.eval(code);
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
    void whatATaskPrintsReachesTheCellMarkedWithItsNode() throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream cellOut = new ByteArrayOutputStream();
        ByteArrayOutputStream cellErr = new ByteArrayOutputStream();
        System.setOut(new PrintStream(cellOut, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(cellErr, true, StandardCharsets.UTF_8));
        try {
            eval("pool.map((Integer n) -> { System.out.println(\"item \" + n + \"\\nsecond line\"); "
                    + "System.err.println(\"warning \" + n); return n; }, List.of(1, 2, 3), 1);");
            Thread.sleep(300); // output a node relayed through its own console would come now
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String servers = eval("cluster.localServers().stream().map(s -> s.name()).toList().toString()");
        String printed = cellOut.toString(StandardCharsets.UTF_8);
        String warned = cellErr.toString(StandardCharsets.UTF_8);
        for (int n = 1; n <= 3; n++) {
            Matcher m = Pattern.compile("(?m)^\\[(server-\\d+)\\] item " + n + "\n\\[\\1\\] second line$").matcher(printed);
            assertTrue(m.find(), "no marked output of item " + n + " in the cell's stdout:\n" + printed);
            assertEquals("true", eval("cluster.localServers().stream().anyMatch(s -> s.name().equals(\"" + m.group(1) + "\"))"),
                    m.group(1) + " is not one of " + servers);
            assertTrue(Pattern.compile("(?m)^\\[server-\\d+\\] warning " + n + "$").matcher(warned).find(),
                    "no marked stderr of item " + n + ":\n" + warned);
            assertFalse(Pattern.compile("(?m)^item " + n + "$").matcher(printed).find(),
                    "item " + n + "'s output also arrived unmarked:\n" + printed);
        }
    }

    @Test
    @Order(5)
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
    @Order(6)
    void anInterruptCancelsTheCallsJobsAndThePoolCarriesOn() {
        // each chunk notes on the node's disk (this machine's) that it started and that it was
        // interrupted: a cluster call in the job that was just cancelled could itself be refused
        eval("var marks = java.nio.file.Files.createTempDirectory(\"interrupted-chunks\").toString();");
        eval("var cancelled = new java.util.concurrent.atomic.AtomicLong(-1);");
        eval("var waiter = new Thread(() -> { try { pool.map((Integer n) -> { "
                + "try { java.nio.file.Files.createFile(java.nio.file.Paths.get(marks, n + \".started\")); Thread.sleep(5_000); } "
                + "catch (InterruptedException e) { try { java.nio.file.Files.createFile(java.nio.file.Paths.get(marks, n + \".interrupted\")); } "
                + "catch (java.io.IOException io) { throw new java.io.UncheckedIOException(io); } throw new RuntimeException(e); } "
                + "catch (java.io.IOException io) { throw new java.io.UncheckedIOException(io); } return n; }, List.of(1, 2, 3, 4), 1); } "
                + "catch (PoolInterruptedException e) { cancelled.set(System.nanoTime()); } });");
        eval("long marked(String kind) throws java.io.IOException { try (var s = java.nio.file.Files.list(java.nio.file.Paths.get(marks))) { "
                + "return s.filter(p -> p.toString().endsWith(kind)).count(); } }");
        eval("waiter.start(); while (marked(\".started\") == 0) Thread.sleep(10); Thread.sleep(300);");
        eval("long interruptedAt = 0;");
        eval("{ interruptedAt = System.nanoTime(); waiter.interrupt(); waiter.join(10_000); }");
        long ms = Long.parseLong(eval("cancelled.get() < 0 ? -1 : (cancelled.get() - interruptedAt) / 1_000_000"));
        assertTrue(ms >= 0 && ms < 2000, "the interrupted map ended " + ms + " ms after the interrupt (-1: it did not)");
        // every chunk that had started on a node was interrupted there, well before its 5 s were up
        eval("long waitEnd = System.nanoTime() + 3_000_000_000L; "
                + "while (marked(\".interrupted\") < marked(\".started\") && System.nanoTime() < waitEnd) Thread.sleep(10);");
        String started = eval("marked(\".started\")");
        assertTrue(Long.parseLong(started) > 0, started);
        assertEquals(started, eval("marked(\".interrupted\")"), "chunks started on the nodes vs interrupted there");
        assertEquals("[2, 3]", eval("pool.map((Integer n) -> n + 1, List.of(1, 2))"), "the pool stays usable");
    }

    @Test
    @Order(7)
    void aServerKilledMidMapLeavesTheMapToTheSurvivor() {
        // structures with one backup, made before the kill, in the states they are in
        eval("ClusterQueue<Integer> kept = cluster.queue(\"kept\"); kept.put(1); kept.put(2);");
        eval("var gate = cluster.semaphore(\"gate\", 3); gate.acquire();");
        // a lock is held by the thread that took it: a thread of the kernel holds it across the kill
        eval("var held = cluster.lock(\"held\"); var letGo = new java.util.concurrent.CountDownLatch(1); "
                + "var holder = new Thread(() -> { held.acquire(); try { letGo.await(); } catch (InterruptedException e) { } "
                + "held.release(); }); holder.start(); while (!held.isLocked()) Thread.sleep(10);");
        eval("var slow = new ArrayList<Integer>(); for (int i = 0; i < 40; i++) slow.add(i);");
        eval("var pending = pool.mapAsync((Integer n) -> { try { Thread.sleep(100); } catch (InterruptedException e) { throw new RuntimeException(e); } return n * 3; }, slow, 1);");
        eval("while (pool.timeline().stream().filter(e -> e.call().equals(\"mapAsync\")).count() < 4) Thread.sleep(10);");
        eval("var victim = cluster.localServers().get(0); cluster.kill(victim);");
        eval("List<Integer> survived = pending.get();");
        eval("var expected = new ArrayList<Integer>(); for (int i = 0; i < 40; i++) expected.add(i * 3);");
        assertEquals("true", eval("survived.equals(expected)"));
        assertEquals("1", eval("cluster.nodes().size()"));
        // what was made before the kill survived it: each has a backup on the survivor
        assertEquals("102", eval("hits.get()"));
        assertEquals("2", eval("kept.qsize()"));
        assertEquals("1", eval("kept.getNowait()"));
        assertEquals("2", eval("gate.getValue()"));
        assertEquals("true", eval("held.isLocked()"));
        assertEquals("false", eval("held.tryAcquire()"));
        eval("letGo.countDown(); holder.join(10_000); gate.release();");
        assertEquals("false", eval("held.isLocked()"));
        assertEquals("3", eval("gate.getValue()"));
    }

    @Test
    @Order(8)
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
