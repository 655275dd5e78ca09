/**
 * Getting a task and its world into another JVM, the counterpart of CPython's
 * {@code reduction.py}: {@link org.kernellib.mp.serial.TaskWriter} (Java serialization of the task,
 * noting the classes involved), {@link org.kernellib.mp.serial.ClassShipper} and
 * {@link org.kernellib.mp.serial.ShippedClassLoader} (snippet class bytes, parent and worker side),
 * {@link org.kernellib.mp.serial.ClassReferences} and {@link org.kernellib.mp.serial.StateSnapshot}
 * (the ASM walk that finds the top-level variables a task uses, and their copy), and
 * {@link org.kernellib.mp.serial.TaskPayload} (all of it as one message).
 */
package org.kernellib.mp.serial;
