package org.kernellib.mp.shared.sync;

import static org.kernellib.mp.shared.sync.BarrierDescriptor.PARTY_SLOTS_OFFSET;
import static org.kernellib.mp.shared.sync.BarrierDescriptor.partyOffset;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.kernellib.mp.shared.memory.ProcessIdentity;
import org.kernellib.mp.shared.memory.SharedFile;

/**
 * The processes a {@link Barrier} watches while its parties wait (the party slots of
 * {@link BarrierDescriptor}).
 *
 * <p>A process joins when it receives the barrier (its handle is deserialized there) or first
 * waits at it, and leaves when it closes its handle or exits normally (a shutdown hook, which
 * {@code System.exit}, the end of {@code main} and a handled {@code SIGTERM} all run). So a process
 * still in a slot but dead was killed or crashed: it will never arrive, and the waiters break
 * the barrier at once, naming it. A worker that finished and exited normally leaves no trace, so a
 * barrier can be reused by new processes.
 *
 * <p>Limits: a process that was killed after it last used the barrier still breaks a later
 * generation (create a new barrier for new workers after a crash); beyond
 * {@value BarrierDescriptor#PARTY_SLOTS} processes, later ones are not watched (their death
 * leaves the others waiting, as in Python).
 */
final class BarrierParties {
    /** The barriers this process joined: file path to (file, slot). */
    private static final ConcurrentHashMap<String, Joined> JOINED = new ConcurrentHashMap<>();
    private static final Joined NOT_WATCHED = new Joined(null, -1);
    private static final AtomicBoolean HOOK = new AtomicBoolean();

    private BarrierParties() {
    }

    private static final class Joined {
        final SharedFile file;
        final int slot;

        Joined(final SharedFile file, final int slot) {
            this.file = file;
            this.slot = slot;
        }
    }

    /** Takes a party slot for this process, once per barrier; nothing when all slots are taken. */
    static void join(final SharedFile f) {
        String key = f.path().toString();
        if (!JOINED.containsKey(key)) {
            JOINED.computeIfAbsent(key, k -> claim(f));
        }
    }

    private static Joined claim(final SharedFile f) {
        int n = f.getIntPlain(PARTY_SLOTS_OFFSET);
        for (int i = 0; i < n; i++) {
            if (f.getLongVolatile(partyOffset(i)) == 0L
                    && f.compareAndSetLong(partyOffset(i), 0L, ProcessIdentity.PROCESS_TOKEN)) {
                installExitHook();
                return new Joined(f, i);
            }
        }
        return NOT_WATCHED;
    }

    /** Gives this process's slot back (its handle closes: it no longer takes part). */
    static void leave(final SharedFile f) {
        Joined j = JOINED.remove(f.path().toString());
        if (j != null && j.file != null && !j.file.isClosed()) {
            j.file.compareAndSetLong(partyOffset(j.slot), ProcessIdentity.PROCESS_TOKEN, 0L);
        }
    }

    /**
     * The pid of a party process that died, or 0 when every watched party lives.
     *
     * <p>Slow: reads /proc once per other party process; waiters call it every few milliseconds.
     */
    static long deadParty(final SharedFile f) {
        int n = f.getIntPlain(PARTY_SLOTS_OFFSET);
        for (int i = 0; i < n; i++) {
            long party = f.getLongVolatile(partyOffset(i));
            if (party != 0L && party != ProcessIdentity.PROCESS_TOKEN && ProcessIdentity.isProcessDead(party)) {
                return ProcessIdentity.pidOf(party);
            }
        }
        return 0;
    }

    private static void installExitHook() {
        if (HOOK.compareAndSet(false, true)) {
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(BarrierParties::leaveAll, "kernel-lib-barrier-leave"));
            } catch (IllegalStateException alreadyExiting) {
                // Exiting already: nothing will wait for this process's hook.
            }
        }
    }

    /** At a normal exit: this process leaves every barrier, so its end does not break them. */
    private static void leaveAll() {
        for (Joined j : JOINED.values()) {
            if (j.file != null && !j.file.isClosed()) {
                j.file.compareAndSetLong(partyOffset(j.slot), ProcessIdentity.PROCESS_TOKEN, 0L);
            }
        }
    }
}
