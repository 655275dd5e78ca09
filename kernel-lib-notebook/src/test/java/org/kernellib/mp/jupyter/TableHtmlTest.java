package org.kernellib.mp.jupyter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class TableHtmlTest {
    private static Table numbers(final int rows) {
        return Table.create("numbers", IntColumn.create("n", IntStream.range(0, rows).toArray()));
    }

    private static int count(final String text, final String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void shouldRenderEveryRowOfASmallTable() {
        String html = TableHtml.render(numbers(3));
        assertTrue(html.contains(">numbers \u2014 3 rows \u00d7 1 column</caption>"), html);
        assertEquals(3, count(html, "<tr><td>"));
        assertTrue(html.contains("<tr><td>2</td></tr>"));
        assertFalse(html.contains("not shown"));
    }

    @Test
    void shouldCutALongTableAndSayHowManyRowsItHas() {
        String html = TableHtml.render(numbers(1_000), 20);
        assertTrue(html.contains("1000 rows"), html);
        assertTrue(html.contains("(980 rows not shown)"), html);
        assertEquals(20, count(html, "<tr><td>") - 0, "15 head rows + 5 tail rows");
        assertTrue(html.contains("<tr><td>14</td></tr>"), "last head row");
        assertFalse(html.contains("<tr><td>15</td></tr>"), "first elided row");
        assertTrue(html.contains("<tr><td>995</td></tr>") && html.contains("<tr><td>999</td></tr>"), "tail rows");
        assertEquals(1, count(html, "class=\"elided\""));
    }

    @Test
    void shouldEscapeCellTextAndColumnNames() {
        Table t = Table.create("t", StringColumn.create("<b>", new String[] {"a & b", "\"q\""}));
        String html = TableHtml.render(t);
        assertTrue(html.contains("<th>&lt;b&gt;</th>"), html);
        assertTrue(html.contains("<td>a &amp; b</td>"));
        assertTrue(html.contains("<td>&quot;q&quot;</td>"));
    }

    @Test
    void shouldRejectARowLimitThatCannotShowHeadAndTail() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TableHtml.render(numbers(5), 1));
        assertTrue(e.getMessage().contains("at least 2, got 1"), e.getMessage());
    }
}
