package org.kernellib.mp.serial;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * What a class file refers to, read with ASM: every class name that appears anywhere in its
 * constant pool (class constants, method and field descriptors, generic signatures, method types
 * and handles of invokedynamic call sites, all of which end up as UTF-8 constants) and every field
 * its methods read or write, except JShell's own snippet-evaluation method (see below).
 *
 * <p>The class list over-approximates (a string that happens to look like a class name counts),
 * which is harmless: it only widens the search for snippet state. The field list is exact, and
 * decides which static fields are copied, so an unused variable in a reachable class, such as the
 * {@code Process} variable that holds the task itself, is never touched.
 */
public final class ClassReferences {
    /** A field reference as it appears in bytecode: owner binary name and field name. */
    public record FieldRef(String owner, String name) {
    }

    /** A method: owner binary name (dotted), name and descriptor. */
    public record MethodRef(String owner, String name, String descriptor) {
    }

    /**
     * What one method's code touches: the fields it reads or writes, the methods it calls or
     * hands out as handles (the implementation methods of the lambdas it creates among them), and
     * the classes it names in instructions (new, casts, class literals).
     */
    public record MethodUse(Set<FieldRef> fields, Set<MethodRef> calls, Set<String> types) {
    }

    private static final Pattern DESCRIPTOR_TYPE = Pattern.compile("L([^;<>()\\[.]+)[;<]");
    private static final int UTF8 = 1;
    /**
     * The method JShell generates to evaluate a snippet, e.g. to initialise a variable. It is never
     * run in a worker, so the fields it writes (such as {@code p} in
     * {@code var p = new Process(() -> ...)}, whose lambda body sits in the same wrapper class) are
     * not state the task uses.
     */
    private static final String JSHELL_INITIALIZER = "do_it$";

    private final Set<String> classes;
    private final Set<FieldRef> fields;
    private final Map<MethodRef, MethodUse> methods;

    private ClassReferences(final Set<String> classes, final Set<FieldRef> fields,
            final Map<MethodRef, MethodUse> methods) {
        // read-only: one scan serves every call that reaches the class (scanOnce)
        this.classes = Collections.unmodifiableSet(classes);
        this.fields = Collections.unmodifiableSet(fields);
        this.methods = Collections.unmodifiableMap(methods);
    }

    /**
     * Every method of the class with what its code touches, JShell's snippet-evaluation method
     * excepted, so the state a task needs can be followed method by method.
     */
    public Map<MethodRef, MethodUse> methods() {
        return methods;
    }

    /** Binary names (dotted) of the classes referred to, including some false positives. */
    public Set<String> classes() {
        return classes;
    }

    /** Every field this class's code reads or writes. */
    public Set<FieldRef> fields() {
        return fields;
    }

    /** Class files scanned before, by content, at most {@link #KEPT_SCANS}, least recently used first out. */
    private static final int KEPT_SCANS = 256;
    private static final Map<Content, ClassReferences> SCANNED = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(final Map.Entry<Content, ClassReferences> eldest) {
                    return size() > KEPT_SCANS;
                }
            });

    /** A class file as a key: equal when the bytes are. */
    private record Content(byte[] bytes, int hash) {
        Content(final byte[] bytes) {
            this(bytes, Arrays.hashCode(bytes));
        }

        @Override
        public boolean equals(final Object o) {
            return o instanceof Content && ((Content) o).hash == hash && Arrays.equals(((Content) o).bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /**
     * {@link #scan}, or the earlier scan of a class file with the same bytes: a pool's every call
     * walks the snippet classes its function reaches, mostly the same ones call after call.
     */
    public static ClassReferences scanOnce(final byte[] classFile) {
        Content key = new Content(classFile.clone());
        ClassReferences r = SCANNED.get(key);
        if (r == null) {
            r = scan(classFile);
            SCANNED.put(key, r);
        }
        return r;
    }

    public static ClassReferences scan(final byte[] classFile) {
        ClassReader cr = new ClassReader(classFile);
        Set<String> classes = new LinkedHashSet<>();
        Set<FieldRef> fields = new LinkedHashSet<>();
        Map<MethodRef, MethodUse> methods = new LinkedHashMap<>();
        String owner = cr.getClassName().replace('/', '.');
        for (int i = 1; i < cr.getItemCount(); i++) {
            int off = cr.getItem(i);
            if (off == 0) {
                continue; // second slot of a long or double
            }
            int tag = classFile[off - 1];
            if (tag == UTF8) {
                int len = cr.readUnsignedShort(off);
                // Class names are plain ASCII in practice; modified UTF-8 quirks do not matter here.
                String s = new String(classFile, off + 2, len, StandardCharsets.UTF_8);
                addCandidates(s, classes);
            }
        }
        cr.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(final int access, final String name, final String descriptor,
                    final String signature, final String[] exceptions) {
                if (JSHELL_INITIALIZER.equals(name)) {
                    return null;
                }
                MethodUse use = new MethodUse(new LinkedHashSet<>(), new LinkedHashSet<>(), new LinkedHashSet<>());
                methods.put(new MethodRef(owner, name, descriptor), use);
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitFieldInsn(final int opcode, final String fieldOwner, final String field,
                            final String desc) {
                        FieldRef ref = new FieldRef(fieldOwner.replace('/', '.'), field);
                        fields.add(ref);
                        use.fields().add(ref);
                    }

                    @Override
                    public void visitMethodInsn(final int opcode, final String callee, final String method,
                            final String desc, final boolean isInterface) {
                        use.calls().add(new MethodRef(callee.replace('/', '.'), method, desc));
                    }

                    @Override
                    public void visitInvokeDynamicInsn(final String method, final String desc, final Handle bootstrap,
                            final Object... args) {
                        for (Object arg : args) {
                            if (arg instanceof Handle) {
                                Handle h = (Handle) arg;
                                use.calls().add(new MethodRef(h.getOwner().replace('/', '.'), h.getName(), h.getDesc()));
                            }
                        }
                    }

                    @Override
                    public void visitTypeInsn(final int opcode, final String type) {
                        use.types().add(Type.getObjectType(type).getClassName());
                    }

                    @Override
                    public void visitLdcInsn(final Object value) {
                        if (value instanceof Type && ((Type) value).getSort() == Type.OBJECT) {
                            use.types().add(((Type) value).getClassName());
                        }
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return new ClassReferences(classes, fields, methods);
    }

    private static void addCandidates(final String s, final Set<String> out) {
        if (s.indexOf('/') < 0) {
            return; // snippet classes live in a package (JShell's REPL), so names contain '/'
        }
        if (s.indexOf(';') < 0 && s.indexOf('(') < 0 && s.indexOf(' ') < 0) {
            addName(s.startsWith("[") ? "" : s, out);
        }
        Matcher m = DESCRIPTOR_TYPE.matcher(s);
        while (m.find()) {
            addName(m.group(1), out);
        }
    }

    private static void addName(final String internal, final Set<String> out) {
        if (internal.isEmpty() || internal.startsWith("java/") || internal.startsWith("javax/")
                || internal.startsWith("jdk/") || internal.startsWith("sun/")) {
            return;
        }
        out.add(internal.replace('/', '.'));
    }
}
