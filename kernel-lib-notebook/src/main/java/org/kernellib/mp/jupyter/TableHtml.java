package org.kernellib.mp.jupyter;

import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * A Tablesaw {@link Table} as an HTML fragment for a notebook output.
 *
 * <p>Long tables are cut to their first and last rows, with the elided count and the total row
 * count said in a caption, so a million-row table never floods a notebook or a published page.
 * Kept free of JJava so it can be tested, and reused, without a kernel.
 */
public final class TableHtml {
    /** Rows shown before a table is cut: the head and the tail together. */
    public static final int DEFAULT_MAX_ROWS = 20;

    private TableHtml() {
    }

    /** Renders with {@link #DEFAULT_MAX_ROWS}. */
    public static String render(final Table table) {
        return render(table, DEFAULT_MAX_ROWS);
    }

    /**
     * Renders the table; when it has more than {@code maxRows} rows, the first
     * {@code maxRows - maxRows / 4} and the last {@code maxRows / 4} are shown around an ellipsis row.
     */
    public static String render(final Table table, final int maxRows) {
        if (maxRows < 2) {
            throw new IllegalArgumentException("maxRows must be at least 2, got " + maxRows);
        }
        final int rows = table.rowCount();
        final int cols = table.columnCount();
        final boolean cut = rows > maxRows;
        final int tail = cut ? maxRows / 4 : 0;
        final int head = cut ? maxRows - tail : rows;

        final StringBuilder html = new StringBuilder(256 + rows * cols * 16);
        html.append("<table class=\"kernel-lib-table\">\n")
            .append("<caption style=\"caption-side: top; text-align: left; white-space: nowrap\">")
            .append(escape(table.name() == null ? "" : table.name()))
            .append(table.name() == null || table.name().isEmpty() ? "" : " \u2014 ")
            .append(rows).append(rows == 1 ? " row" : " rows").append(" \u00d7 ")
            .append(cols).append(cols == 1 ? " column" : " columns");
        if (cut) {
            html.append(" (").append(rows - head - tail).append(" rows not shown)");
        }
        html.append("</caption>\n<thead><tr>");
        for (Column<?> column : table.columns()) {
            html.append("<th>").append(escape(column.name())).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        appendRows(html, table, 0, head);
        if (cut) {
            html.append("<tr class=\"elided\">");
            for (int c = 0; c < cols; c++) {
                html.append("<td>\u2026</td>");
            }
            html.append("</tr>\n");
            appendRows(html, table, rows - tail, rows);
        }
        html.append("</tbody>\n</table>");
        return html.toString();
    }

    private static void appendRows(final StringBuilder html, final Table table, final int from, final int to) {
        for (int r = from; r < to; r++) {
            html.append("<tr>");
            for (Column<?> column : table.columns()) {
                html.append("<td>").append(escape(column.getString(r))).append("</td>");
            }
            html.append("</tr>\n");
        }
    }

    /** Escapes the five characters that matter in HTML text and attribute values. */
    static String escape(final String text) {
        final StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            switch (c) {
                case '&': out.append("&amp;"); break;
                case '<': out.append("&lt;"); break;
                case '>': out.append("&gt;"); break;
                case '"': out.append("&quot;"); break;
                case '\'': out.append("&#39;"); break;
                default: out.append(c);
            }
        }
        return out.toString();
    }
}
