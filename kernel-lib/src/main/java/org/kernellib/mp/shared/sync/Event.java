package org.kernellib.mp.shared.sync;

import static org.kernellib.mp.shared.sync.EventDescriptor.FLAG_OFFSET;

import java.time.Duration;

import org.kernellib.mp.shared.HandleCodec;
import org.kernellib.mp.shared.MappedObject;
import org.kernellib.mp.shared.memory.Backoff;
import org.kernellib.mp.shared.memory.SharedFile;

/**
 * A flag that processes wait on, like Python's {@code multiprocessing.Event}:
 * {@link #set()}, {@link #clear()}, {@link #isSet()}, and {@link #await()} (Python's {@code wait};
 * Java reserves {@code wait()} for monitors).
 */
public final class Event extends MappedObject {
    private static final long serialVersionUID = 1L;

    Event(final SharedFile file) {
        super(file);
    }

    /** A new, clear event. */
    public static Event create() {
        SharedFile f = SharedFile.create("event", EventDescriptor.LENGTH);
        f.setIntRelease(EventDescriptor.MAGIC_OFFSET, EventDescriptor.MAGIC);
        return new Event(f);
    }

    public boolean isSet() {
        return file.getIntAcquire(FLAG_OFFSET) != 0;
    }

    /** Sets the flag; every waiter returns. */
    public void set() {
        file.setIntVolatile(FLAG_OFFSET, 1);
    }

    public void clear() {
        file.setIntVolatile(FLAG_OFFSET, 0);
    }

    /** Waits until the flag is set; returns true. */
    public boolean await() {
        return await0(-1);
    }

    /** Waits at most {@code timeout}; returns the flag (false on timeout), as Python's {@code wait(timeout)}. */
    public boolean await(final Duration timeout) {
        return await0(timeout.isNegative() ? -1 : timeout.toNanos());
    }

    /** Python's {@code wait(timeout)} in seconds; negative waits forever. */
    public boolean await(final double timeoutSeconds) {
        if (Double.isNaN(timeoutSeconds)) {
            throw new IllegalArgumentException("timeout must be a number of seconds, got NaN");
        }
        return await0(timeoutSeconds < 0 ? -1 : (long) Math.min(Long.MAX_VALUE, timeoutSeconds * 1e9));
    }

    private boolean await0(final long timeoutNanos) {
        if (isSet()) {
            return true;
        }
        Backoff backoff = new Backoff(toString());
        long deadline = Backoff.deadline(timeoutNanos);
        while (!isSet()) {
            if (timeoutNanos == 0 || Backoff.expired(deadline)) {
                return false;
            }
            backoff.idle(deadline);
        }
        return true;
    }

    @Override
    public String toString() {
        return file.isClosed() ? "Event(closed)" : "Event(" + (isSet() ? "set" : "clear") + ")";
    }

    /** How {@link HandleCodec} reopens an Event. */
    public static final HandleCodec.Opener OPENER = new HandleCodec.Opener(EventDescriptor.MAGIC, "an Event",
            EventDescriptor.LENGTH, (f, companion) -> new Event(f));
}
