package org.kernellib.mp.jupyter;

import java.util.UUID;
import org.dflib.jjava.jupyter.kernel.DisplayStream;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.kernellib.mp.pool.ProgressListener;

/**
 * A live progress bar in the running cell for each pool call that takes a while: displayed at the
 * first report after {@link #SHOW_AFTER_NANOS} (a quick call leaves no bar behind to clutter the
 * cell), then updated in place (Jupyter's {@code update_display_data}) as the pool reports, which
 * it does at most a few times a second. Outside a notebook no factory is installed, so there is no
 * bar; in a notebook a call made while no cell runs gets none either.
 */
final class NotebookProgress implements ProgressListener.Factory {
    /** Calls shorter than this get no bar. */
    static final long SHOW_AFTER_NANOS = 500_000_000L;

    private final DisplayStream display;

    NotebookProgress(final DisplayStream display) {
        this.display = display;
    }

    @Override
    public ProgressListener create(final String poolName, final String call, final int total) {
        if (!display.isAttached() || total <= 0) {
            return null;
        }
        final String id = "kernel-lib-progress-" + UUID.randomUUID();
        final String label = poolName + " " + call;
        final long started = System.nanoTime();
        return new ProgressListener() {
            private boolean shown;

            @Override
            public synchronized void update(final int done, final int total) {
                show(bar(id, label, done, total, null));
            }

            @Override
            public synchronized void finished(final int done, final int total, final boolean ok) {
                if (shown) {
                    show(bar(id, label, done, total, ok ? "done" : "stopped"));
                }
            }

            private void show(final DisplayData data) {
                if (shown) {
                    display.updateDisplay(id, data);
                } else if (System.nanoTime() - started >= SHOW_AFTER_NANOS) {
                    display.display(data);
                    shown = true;
                }
            }
        };
    }

    /** The bar as HTML, with a text line for front ends that show no HTML. */
    static DisplayData bar(final String id, final String label, final int done, final int total, final String outcome) {
        final int percent = total == 0 ? 100 : (int) (100L * done / total);
        final String text = label + ": " + done + "/" + total + " (" + percent + "%)"
                + (outcome == null ? "" : ", " + outcome);
        final DisplayData data = new DisplayData(text);
        data.putHTML("<div class=\"kernel-lib-progress\"><progress value=\"" + done + "\" max=\"" + total
                + "\" style=\"width: 20em; vertical-align: middle\"></progress> <span>"
                + TableHtml.escape(text) + "</span></div>");
        // Jupyter reads the display id from the transient part of the message. Set it there
        // directly: setDisplayId returns void in the JJava this is compiled against and
        // DisplayData in the one the kernel runs, so a call to it would not link.
        data.putTransientData("display_id", id);
        return data;
    }
}
