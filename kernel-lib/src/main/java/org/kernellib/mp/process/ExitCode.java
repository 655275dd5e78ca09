package org.kernellib.mp.process;

import org.kernellib.mp.start.WorkerStatus;

/**
 * Turns a worker JVM's raw exit status into Python's {@code exitcode}: 0 after a normal return,
 * 1 after an uncaught exception, n after {@code System.exit(n)}, -N after death by signal N.
 *
 * <p>Java reports a death by signal N as 128+N, which {@code System.exit(128+N)} also produces, so
 * the raw number is read together with what the worker said in its control frames:
 * <ol>
 * <li>it reported a caught signal (SIGTERM, SIGINT, SIGHUP; it exits 128+N after reporting), or
 *     this parent sent signal N itself and the task had not finished: -N;</li>
 * <li>it reported DONE or FAILED (its task had ended) and the status is above 128: a signal
 *     killed it while its JVM was exiting, -N (a worker exits 0 or 1 after its task, never 128+N);</li>
 * <li>it reported an orderly shutdown (System.exit runs the hook that says so): the raw status,
 *     so {@code System.exit(137)} from the task is 137;</li>
 * <li>it said nothing and the status is above 128: it died by an uncatchable signal (SIGKILL,
 *     SIGSEGV, ...), -N.</li>
 * </ol>
 * The ambiguities left: {@code Runtime.halt(n)} with n above 128 skips the shutdown hook and is
 * read as signal n-128, and so is {@code System.exit(n)} with n above 128 called by a thread that
 * outlived the task.
 */
public final class ExitCode {
    private ExitCode() {
    }

    public static int decode(final int raw, final WorkerStatus s) {
        if (s.signal() > 0 && raw == 128 + s.signal()) {
            return -s.signal();
        }
        if (s.signalSent() > 0 && raw == 128 + s.signalSent() && !s.done() && !s.failed()) {
            return -s.signalSent(); // our own terminate()/kill(), even if it beat the handlers
        }
        if ((s.done() || s.failed()) && raw > 128 && raw < 128 + 65) {
            return -(raw - 128); // the task had ended: only a signal during the JVM's exit gives this
        }
        if (s.done() || s.failed() || s.exiting()) {
            return raw;
        }
        if (raw > 128 && raw < 128 + 65) {
            return -(raw - 128);
        }
        return raw;
    }

    /**
     * How a worker ended, in words, for error messages: {@code exited with code 3 (...)} or
     * {@code was killed by signal 9 (SIGKILL), exit code -9}.
     */
    public static String describe(final int code) {
        if (code >= 0) {
            String more = code == 3 ? " (the worker halts with 3 after an OutOfMemoryError or another VM error)" : "";
            return "exited with code " + code + more;
        }
        int sig = -code;
        String n = switch (sig) {
            case 1 -> "SIGHUP";
            case 2 -> "SIGINT";
            case 6 -> "SIGABRT";
            case 9 -> "SIGKILL";
            case 11 -> "SIGSEGV";
            case 15 -> "SIGTERM";
            default -> "signal " + sig;
        };
        return "was killed by signal " + sig + " (" + n + "), exit code " + code;
    }
}
