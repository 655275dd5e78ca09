package org.kernellib.mp.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A process without a task says which argument is missing. */
class ProcessArgumentsTest {

    @Test
    void aNullTaskIsNamed() {
        String expected = "the argument 'task' of new Process is null: pass the code to run, e.g. new Process(() -> work())";
        assertEquals(expected, assertThrows(NullPointerException.class, () -> new Process((Task) null)).getMessage());
        assertEquals(expected, assertThrows(NullPointerException.class, () -> new Process("named", null)).getMessage());
    }
}
