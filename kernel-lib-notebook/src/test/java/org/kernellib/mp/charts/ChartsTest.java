package org.kernellib.mp.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.pool.TimelineEntry;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

class ChartsTest {
    private static List<Number> yData(final CategorySeries s) {
        List<Number> out = new ArrayList<>();
        s.getYData().forEach(out::add);
        return out;
    }

    @Test
    void aHistogramCountsEachSeriesIntoEqualBins() {
        Map<String, List<Integer>> data = new LinkedHashMap<>();
        data.put("spread", List.of(-9, -9, -1, 0, 0, 4, 9));
        data.put("exact", List.of(0, 0, 0));
        data.put("outside", List.of(-100, -10, 100)); // -10: XChart alone would count it in the first bin
        CategoryChart c = Charts.histogram("t", "x", -9, 9, 3, data);
        assertEquals(List.of("spread", "exact", "outside"), new ArrayList<>(c.getSeriesMap().keySet()));
        // bins [-9,-3), [-3,3), [3,9]: the upper edge counts in the last bin
        assertEquals(List.of(2, 3, 2), yData(c.getSeriesMap().get("spread")));
        assertEquals(List.of(0, 3, 0), yData(c.getSeriesMap().get("exact")));
        assertEquals(List.of(0, 0, 0), yData(c.getSeriesMap().get("outside")));
        List<String> labels = new ArrayList<>();
        c.getSeriesMap().get("spread").getXData().forEach(x -> labels.add(x.toString()));
        assertEquals(List.of("-6", "0", "6"), labels, "bins are labelled by their centre");
        List<String> fine = new ArrayList<>();
        Charts.histogram("t", "x", 0, 1, 3, Map.of("s", List.of(0.5))).getSeriesMap().get("s").getXData()
                .forEach(x -> fine.add(x.toString()));
        assertEquals(List.of("0.1667", "0.5", "0.8333"), fine);
        List<String> big = new ArrayList<>();
        Charts.histogram("t", "x", -900_000, 900_000, 3, Map.of("s", List.of(0))).getSeriesMap().get("s").getXData()
                .forEach(x -> big.add(x.toString()));
        assertEquals(List.of("-600,000", "0", "600,000"), big);
    }

    @Test
    void aHistogramNeedsARange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Charts.histogram("t", "x", 1, 1, 3, Map.of()));
        assertTrue(e.getMessage().contains("from < to"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Charts.histogram("t", "x", 0, 1, 0, Map.of()));
    }

    @Test
    void aTimelineHasALanePerWorkerAndABarPerChunk() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        List<TimelineEntry> entries = List.of(
                new TimelineEntry(1, "map", 0, 5, "PoolWorker-2", 11, t0, t0, Duration.ofMillis(100), Duration.ofMillis(300), true),
                new TimelineEntry(1, "map", 1, 5, "PoolWorker-1", 12, t0, t0, Duration.ofMillis(100), Duration.ofMillis(250), true),
                new TimelineEntry(1, "map", 2, 5, "PoolWorker-1", 12, t0, t0, Duration.ofMillis(250), Duration.ofMillis(400), false));
        XYChart c = Charts.timeline("chunks", entries);
        assertEquals(3, c.getSeriesMap().size());
        XYSeries first = c.getSeriesMap().get("PoolWorker-2 (pid 11)");
        assertEquals(0.1, first.getXData()[0], 1e-9);
        assertEquals(0.3, first.getXData()[1], 1e-9);
        assertEquals(1.0, first.getYData()[0], 1e-9, "lanes are the workers in name order");
        XYSeries failed = c.getSeriesMap().get("chunk with a failed item");
        assertEquals(0.0, failed.getYData()[0], 1e-9);
        assertEquals("PoolWorker-1", c.getStyler().getyAxisTickLabelsFormattingFunction().apply(0.0));
        assertEquals("", c.getStyler().getyAxisTickLabelsFormattingFunction().apply(0.5));
    }

    @Test
    void aTimelineColoursEachWorkerAndNamesItOnceInTheLegend() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        List<TimelineEntry> entries = new ArrayList<>();
        for (int chunk = 0; chunk < 6; chunk++) {
            String worker = "PoolWorker-" + (chunk % 2 + 1);
            entries.add(new TimelineEntry(1, "map", chunk, 5, worker, 10 + chunk % 2, t0, t0,
                    Duration.ofMillis(100 * chunk), Duration.ofMillis(100 * chunk + 90), true));
        }
        XYChart c = Charts.timeline("chunks", entries);
        assertTrue(c.getStyler().isLegendVisible());
        List<String> legend = c.getSeriesMap().values().stream().filter(XYSeries::isShowInLegend)
                .map(XYSeries::getName).toList();
        assertEquals(List.of("PoolWorker-1 (pid 10)", "PoolWorker-2 (pid 11)"), legend);
        for (XYSeries bar : c.getSeriesMap().values()) {
            int lane = (int) bar.getYData()[0];
            assertEquals(c.getStyler().getSeriesColors()[lane], bar.getLineColor(), bar.getName() + " has its worker's colour");
            assertEquals(null, bar.getLineStyle().getDashArray(), bar.getName() + " is drawn solid");
        }
        assertTrue(!c.getStyler().getSeriesColors()[0].equals(c.getStyler().getSeriesColors()[1]));
    }

    @Test
    void axesShowNumbersAsPeopleWriteThem() throws Exception {
        XYChart c = Charts.xy("t", "x", "y");
        c.addSeries("s", new double[] {1, 10, 100}, new double[] {5e6, 1e7, 1.5e7});
        CategoryChart bars = Charts.bars("t", "x", "y");
        for (org.knowm.xchart.style.AxesChartStyler styler : List.of(c.getStyler(), bars.getStyler())) {
            java.text.DecimalFormat x = new java.text.DecimalFormat(styler.getXAxisDecimalPattern());
            java.text.DecimalFormat y = new java.text.DecimalFormat(styler.getYAxisDecimalPattern());
            assertEquals("15,000,000", y.format(1.5e7));
            assertEquals("0.25", x.format(0.25));
        }
        // A logarithmic axis keeps its decades: no formatting function may replace XChart's layout.
        c.getStyler().setXAxisLogarithmic(true);
        assertEquals(null, c.getStyler().getxAxisTickLabelsFormattingFunction());
        assertTrue(org.knowm.xchart.BitmapEncoder.getBitmapBytes(c, org.knowm.xchart.BitmapEncoder.BitmapFormat.PNG).length > 0);
    }
}
