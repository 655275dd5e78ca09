package org.kernellib.mp.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.process.Process;
import org.kernellib.mp.process.Task;
import org.kernellib.mp.serial.fakejjava.JJavaLoaderDelegate;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** Class bytes and static state found through a JJava-shaped snippet loader reach the worker. */
class JJavaShippingTest {

    /** {@code public class REPL.$JShell$7 implements Task { public static String greeting; run() prints it }}. */
    private static byte[] taskClass() {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "REPL/$JShell$7", null, "java/lang/Object",
                new String[] {Task.class.getName().replace('.', '/')});
        cw.visitField(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "greeting", "Ljava/lang/String;", null, null).visitEnd();
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        MethodVisitor run = cw.visitMethod(Opcodes.ACC_PUBLIC, "run", "()V", null, null);
        run.visitCode();
        run.visitFieldInsn(Opcodes.GETSTATIC, "java/lang/System", "out", "Ljava/io/PrintStream;");
        run.visitFieldInsn(Opcodes.GETSTATIC, "REPL/$JShell$7", "greeting", "Ljava/lang/String;");
        run.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/io/PrintStream", "println", "(Ljava/lang/String;)V", false);
        run.visitInsn(Opcodes.RETURN);
        run.visitMaxs(0, 0);
        run.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    @Test
    void shipsClassesAndStateFromAJJavaStyleLoader() throws Exception {
        JJavaLoaderDelegate delegate = new JJavaLoaderDelegate();
        byte[] bytes = taskClass();
        delegate.declare("REPL.$JShell$7", bytes);
        Class<?> c = Class.forName("REPL.$JShell$7", true, delegate.loader());
        c.getField("greeting").set(null, "hello through the JJava loader");

        ClassShipper shipper = new ClassShipper(List.of(delegate.loader()));
        assertTrue(shipper.shipped("REPL.$JShell$7").isPresent(), "must be recognised as a snippet class");
        assertTrue(shipper.shipped(Process.class.getName()).isEmpty(), "library classes are not shipped");

        Task task = (Task) c.getConstructor().newInstance();
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        Process p = new Process(task);
        try {
            p.start();
            p.join();
        } finally {
            System.setOut(old);
        }
        assertEquals(OptionalInt.of(0), p.exitCode());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("hello through the JJava loader"), out.toString());
    }

    @Test
    void classReferencesSeeFieldAccessesAndNames() {
        ClassReferences r = ClassReferences.scan(taskClass());
        assertTrue(r.fields().contains(new ClassReferences.FieldRef("REPL.$JShell$7", "greeting")), r.fields().toString());
        assertTrue(r.fields().contains(new ClassReferences.FieldRef("java.lang.System", "out")));
        assertTrue(r.classes().contains("org.kernellib.mp.process.Task"), r.classes().toString());
        assertTrue(r.classes().stream().noneMatch(n -> n.startsWith("java.")), r.classes().toString());
    }
}
