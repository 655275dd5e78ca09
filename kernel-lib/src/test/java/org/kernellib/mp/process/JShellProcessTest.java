package org.kernellib.mp.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kernellib.mp.testing.JShellHarness;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** Notebook-style code: snippets compiled and run by a local JShell, executed in workers. */
class JShellProcessTest {
    private static JShellHarness shell;

    @BeforeAll
    static void openShell() {
        shell = new JShellHarness(JShellHarness.PROCESS_IMPORTS);
    }

    @AfterAll
    static void closeShell() {
        shell.close();
    }

    @Test
    void snippetMethodsClassesRecordsEnumsInterfacesAndLambdasRunInTheWorker() {
        shell.eval("int square(int x) { return x * x; }");
        shell.eval("record Point(int x, int y) implements java.io.Serializable { }");
        shell.eval("interface Shape { double area(); }");
        shell.eval("class Sq implements Shape { public double area() { return square(3); } }");
        shell.eval("enum Color { RED, GREEN }");
        shell.eval("String describe() { java.util.function.Function<Integer, Integer> f = v -> v + 1;"
                + " return square(7) + \" \" + new Point(1, 2) + \" \" + new Sq().area() + \" \" + Color.GREEN"
                + " + \" \" + f.apply(41); }");
        // The snippet classes must really live in JShell's loader, not on the class path.
        String loader = shell.eval("Point.class.getClassLoader().getClass().getName()");
        assertTrue(loader.contains("jshell"), loader);
        shell.eval("Point captured = new Point(5, 6);");
        try (OutputCapture cap = new OutputCapture()) {
            shell.eval("var p = new Process(() -> System.out.println(\"worker says \" + describe() + \" \" + captured"
                    + " + \" in \" + currentProcess().name()));");
            shell.eval("p.start();");
            shell.eval("p.join();");
            assertEquals("0", shell.eval("p.exitCode().getAsInt()"));
            String name = shell.eval("p.name()").replace("\"", "");
            assertTrue(cap.out().contains("worker says 49 Point[x=1, y=2] 9.0 GREEN 42 Point[x=5, y=6] in " + name),
                    cap.out() + cap.err());
        }
    }

    /** A jar with {@code extlib.Greeter.greet()} returning "greetings from a late jar". */
    private static Path lateJar() throws Exception {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "extlib/Greeter", null, "java/lang/Object", null);
        MethodVisitor m = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "greet", "()Ljava/lang/String;", null, null);
        m.visitCode();
        m.visitLdcInsn("greetings from a late jar");
        m.visitInsn(Opcodes.ARETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
        cw.visitEnd();
        Path jar = Files.createTempFile("kernel-lib-late", ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("extlib/Greeter.class"));
            out.write(cw.toByteArray());
            out.closeEntry();
        }
        jar.toFile().deleteOnExit();
        return jar;
    }

    @Test
    void jarsAddedToTheSnippetLoaderLaterReachTheWorker() throws Exception {
        Path jar = lateJar();
        shell.addToClasspath(jar.toString());
        assertTrue(!System.getProperty("java.class.path").contains(jar.getFileName().toString()));
        try (OutputCapture cap = new OutputCapture()) {
            shell.eval("var g = new Process(() -> System.out.println(extlib.Greeter.greet() + \" via \""
                    + " + extlib.Greeter.class.getClassLoader().getName()));");
            shell.eval("g.start(); g.join();");
            assertEquals("0", shell.eval("g.exitCode().getAsInt()"));
            assertTrue(cap.out().contains("greetings from a late jar via kernel-lib-task-classpath"), cap.out() + cap.err());
        }
    }

    @Test
    void topLevelVariablesAreCopiedAtStartLikeFork() {
        try (OutputCapture cap = new OutputCapture()) {
            shell.eval("List<Integer> squares = new ArrayList<>();");
            shell.eval("int offset = 0;");
            shell.eval("offset = 100;");
            shell.eval("void fill() { for (int i : new int[] {2, 3, 8, 9}) squares.add(i * i); }");
            shell.eval("var w = new Process(() -> { fill(); System.out.println(\"inside \" + squares + \" \" + offset); });");
            shell.eval("w.start(); w.join();");
            assertEquals("0", shell.eval("w.exitCode().getAsInt()"));
            assertTrue(cap.out().contains("inside [4, 9, 64, 81] 100"), cap.out() + cap.err());
            assertEquals("[]", shell.eval("squares.toString()").replace("\"", ""));
        }
    }

    @Test
    void notebookClassesNeedNotBeSerializable() {
        try (OutputCapture cap = new OutputCapture()) {
            shell.eval("record Pt(int x, int y) { }");
            shell.eval("class Shape0 { String kind = \"none\"; }");
            shell.eval("class Box extends Shape0 { String label; List<Pt> pts = new ArrayList<>(); transient String cache = \"c\";"
                    + " Box self; String show() { return kind + \" \" + label + \" \" + pts + \" \" + cache + \" \" + (self == this); } }");
            shell.eval("var box = new Box(); box.kind = \"square\"; box.label = \"b\"; box.pts.add(new Pt(1, 2)); box.self = box;");
            shell.eval("void go(Pt local) { var q = new Process(() -> System.out.println(\"captured \" + local));"
                    + " q.start(); q.join(); }");
            shell.eval("var bp = new Process(() -> System.out.println(\"box \" + box.show()));");
            shell.eval("bp.start(); bp.join();");
            shell.eval("go(new Pt(3, 4));");
            assertEquals("0", shell.eval("bp.exitCode().getAsInt()"));
            assertTrue(cap.out().contains("box square b [Pt[x=1, y=2]] null true"), cap.out() + cap.err());
            assertTrue(cap.out().contains("captured Pt[x=3, y=4]"), cap.out() + cap.err());
        }
    }

    @Test
    void classesTheWalkCannotSeeAreFetchedOnDemand() {
        try (OutputCapture cap = new OutputCapture()) {
            shell.eval("class Hidden { public String toString() { return \"found by name\"; } }");
            shell.eval("String hiddenName = Hidden.class.getName();");
            // Only a string names the class, so it is not sent ahead: the worker must ask for it.
            shell.eval("var h = new Process(() -> System.out.println(Class.forName(hiddenName, true,"
                    + " Thread.currentThread().getContextClassLoader()).getDeclaredConstructor().newInstance()));");
            shell.eval("h.start(); h.join();");
            assertEquals("0", shell.eval("h.exitCode().getAsInt()"), cap.err());
            assertTrue(cap.out().contains("found by name"), cap.out() + cap.err());
        }
    }

    @Test
    void aRedefinedMethodRunsInItsNewVersion() {
        try (OutputCapture cap = new OutputCapture()) {
            shell.eval("String version() { return \"v1\"; }");
            shell.eval("String report() { return \"version \" + version(); }");
            shell.eval("String version() { return \"v2\"; }");
            shell.eval("var r = new Process(() -> System.out.println(report()));");
            shell.eval("r.start(); r.join();");
            assertTrue(cap.out().contains("version v2"), cap.out() + cap.err());
        }
    }

    @Test
    void anExceptionInTheWorkerExitsOneWithANamedTrace() {
        try (OutputCapture cap = new OutputCapture()) {
            shell.eval("class Boom extends RuntimeException { Boom(String m) { super(m); } }");
            shell.eval("void explode() throws Exception { throw new Boom(\"bad input\"); }");
            shell.eval("var b = new Process(\"boomer\", () -> explode());");
            shell.eval("b.start(); b.join();");
            assertEquals("1", shell.eval("b.exitCode().getAsInt()"));
            String pid = shell.eval("b.pid()");
            assertTrue(cap.err().contains("Process boomer (pid " + pid + ") failed:"), cap.err());
            assertTrue(cap.err().contains("Boom: bad input"), cap.err());
            assertTrue(!cap.err().contains("REPL.$JShell$"), "snippet frames should be shortened: " + cap.err());
            assertTrue(cap.err().contains("explode"), cap.err());
            assertTrue(!cap.out().contains("bad input"), "the trace belongs on stderr: " + cap.out());
        }
    }

    @Test
    void systemExitCodeIsReported() {
        try (OutputCapture cap = new OutputCapture()) {
            shell.eval("var e = new Process(() -> System.exit(3));");
            shell.eval("e.start(); e.join();");
            assertEquals("3", shell.eval("e.exitCode().getAsInt()"));
        }
    }

    @Test
    void aVariableThatCannotBeCopiedIsNamedInStart() {
        shell.eval("Thread helper = new Thread();");
        shell.eval("var bad = new Process(() -> System.out.println(helper.getName()));");
        String msg = shell.evalFailure("bad.start();");
        assertTrue(msg.startsWith(ProcessStartException.class.getName()), msg);
        assertTrue(msg.contains("'helper'") && msg.contains("java.lang.Thread"), msg);
    }

    @Test
    void onlyTheLambdasOfACellThatTheTaskRunsDecideWhatIsCopied() {
        try (OutputCapture cap = new OutputCapture()) {
            shell.eval("Thread helper = new Thread(\"not copyable\");");
            shell.eval("int base = 40;");
            // One cell, two lambdas: the one that becomes the task reads only base; the other
            // reads helper, which cannot be copied and must therefore not be looked at.
            shell.eval("Runnable useHelper = null; Process both = null;\n"
                    + "for (int i = 0; i < 1; i++) { useHelper = () -> System.out.println(helper.getName());"
                    + " both = new Process(() -> System.out.println(\"answer \" + (base + 2))); }");
            shell.eval("both.start(); both.join();");
            assertEquals("0", shell.eval("both.exitCode().getAsInt()"), cap.err());
            assertTrue(cap.out().contains("answer 42"), cap.out() + cap.err());
        }
    }

    @Test
    void aCapturedValueThatCannotBeSerializedIsNamedInStart() {
        shell.eval("void go() { Object lock = new Object(); new Process(() -> System.out.println(lock)).start(); }");
        String msg = shell.evalFailure("go();");
        assertTrue(msg.startsWith(ProcessStartException.class.getName()), msg);
        assertTrue(msg.contains("captured value #1 of type java.lang.Object"), msg);
    }

    @Test
    void aWorkersCopyOfAProcessVariableRefusesToStartOrJoinAndSaysWhy() {
        try (OutputCapture cap = new OutputCapture()) {
            shell.eval("var sleeper = new Process(() -> Thread.sleep(60_000));");
            shell.eval("sleeper.start();");
            shell.eval("var never = new Process(() -> System.out.println(\"the copy ran\"));");
            shell.eval("var asker = new Process(() -> {"
                    + " try { sleeper.join(); } catch (IllegalStateException e) { System.out.println(\"join: \" + e.getMessage()); }"
                    + " try { never.start(); } catch (IllegalStateException e) { System.out.println(\"start: \" + e.getMessage()); }"
                    + "});");
            shell.eval("asker.start(); asker.join();");
            shell.eval("sleeper.kill();");
            String me = "it is a copy of a Process made in pid " + ProcessHandle.current().pid()
                    + ", and only that process can start, join or stop it";
            assertTrue(cap.out().contains("join: cannot join " + shell.eval("sleeper.name()").replace("\"", "")
                    + " in this process (pid " + shell.eval("asker.pid()") + "): " + me), cap.out() + cap.err());
            assertTrue(cap.out().contains("start: cannot start " + shell.eval("never.name()").replace("\"", "")), cap.out());
            assertTrue(!cap.out().contains("the copy ran"), "a worker started a copy of the kernel's Process: " + cap.out());
            assertEquals("0", shell.eval("asker.exitCode().getAsInt()"), cap.err());
        }
    }
}
