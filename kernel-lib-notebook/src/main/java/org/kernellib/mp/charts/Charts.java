package org.kernellib.mp.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.math.BigDecimal;
import java.math.MathContext;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.kernellib.mp.pool.TimelineEntry;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.Histogram;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;

/**
 * Chart builders with the collection's look, so a notebook cell says what it plots, not how to
 * style it: white background, legend inside the plot, readable fonts, a fixed size that suits a
 * notebook column. The charts are ordinary XChart charts; style them further as usual.
 */
public final class Charts {
    /** Default logical size in pixels; the renderer draws at twice this for sharp screens. */
    public static final int WIDTH = 640;
    public static final int HEIGHT = 360;
    private static final Color FAILED = new Color(0xD62728);
    private static final String AXIS_PATTERN = "#,##0.####";
    /** A timeline bar: flat ends, so a chunk is drawn exactly as long as it ran. */
    private static final BasicStroke BAR = new BasicStroke(12f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER);

    private Charts() {
    }

    /** A line/scatter chart. */
    public static XYChart xy(final String title, final String xAxis, final String yAxis) {
        final XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title).xAxisTitle(xAxis).yAxisTitle(yAxis).build();
        style(chart.getStyler());
        chart.getStyler().setMarkerSize(6);
        return chart;
    }

    /** A bar chart over categories (or a histogram over bins). */
    public static CategoryChart bars(final String title, final String xAxis, final String yAxis) {
        final CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title).xAxisTitle(xAxis).yAxisTitle(yAxis).build();
        style(chart.getStyler());
        chart.getStyler().setOverlapped(false);
        return chart;
    }

    /**
     * A histogram: {@code bins} bins of equal width from {@code from} to {@code to}, one bar series
     * per entry of {@code series} (in its iteration order), each bar the number of that series'
     * values in the bin. A value equal to {@code to} counts in the last bin; values outside the
     * range are not drawn. Bins are labelled by their centre. The binning is XChart's
     * {@link Histogram}; values outside the range are dropped first, because it would count a value
     * less than one bin width below {@code from} in the first bin.
     *
     * @throws IllegalArgumentException if {@code bins < 1} or {@code from >= to}
     */
    public static CategoryChart histogram(final String title, final String xAxis, final double from, final double to,
            final int bins, final Map<String, ? extends Collection<? extends Number>> series) {
        if (bins < 1 || !(from < to)) {
            throw new IllegalArgumentException("a histogram needs at least one bin and from < to; got " + bins
                    + " bins from " + from + " to " + to);
        }
        // The bin centres depend on the range only; XChart refuses to bin no data, so they come
        // from a histogram of one value, and a series with nothing in range gets zero counts.
        // (Mutable lists only: XChart asks contains(null), which List.of answers with an exception.)
        final List<String> labels = new Histogram(new ArrayList<>(List.of(from)), bins, from, to).getxAxisData().stream()
                .map(Charts::label).toList();
        final List<Integer> none = Collections.nCopies(bins, 0);
        final CategoryChart chart = bars(title, xAxis, "count");
        for (Map.Entry<String, ? extends Collection<? extends Number>> e : series.entrySet()) {
            final List<Number> inRange = e.getValue().stream()
                    .filter(n -> n.doubleValue() >= from && n.doubleValue() <= to).collect(Collectors.toList());
            chart.addSeries(e.getKey(), labels, inRange.isEmpty() ? none
                    : new Histogram(inRange, bins, from, to).getyAxisData().stream().map(Double::intValue).toList());
        }
        return chart;
    }

    /**
     * A Gantt chart of a pool's work ({@code pool.timeline()}): one lane and one colour per worker,
     * named with its pid in the legend, one bar per chunk from when the worker started it to when
     * it finished, in seconds since the pool began. A chunk with a failed item is red.
     */
    public static XYChart timeline(final String title, final List<TimelineEntry> entries) {
        final XYChart chart = xy(title, "seconds since the pool started", "worker");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS)
                .setLegendLayout(Styler.LegendLayout.Horizontal);
        final List<String> lanes = entries.stream().map(TimelineEntry::worker).distinct().sorted().toList();
        chart.setCustomYAxisTickLabelsFormatter(y -> {
            final int lane = (int) Math.round(y);
            return lane >= 0 && lane < lanes.size() && Math.abs(y - lane) < 1e-9 ? lanes.get(lane) : "";
        });
        final Color[] palette = chart.getStyler().getSeriesColors();
        final Set<String> inLegend = new HashSet<>();
        // Lane by lane, so the legend lists the workers in the order of their lanes.
        final List<TimelineEntry> byLane = entries.stream()
                .sorted(Comparator.comparing(TimelineEntry::worker).thenComparing(TimelineEntry::startOffset)).toList();
        for (TimelineEntry e : byLane) {
            final int lane = lanes.indexOf(e.worker());
            // The legend shows each worker once (its first chunk), and failed chunks once.
            final String legend = e.ok() ? e.worker() + " (pid " + e.pid() + ")" : "chunk with a failed item";
            final boolean first = inLegend.add(legend);
            final XYSeries bar = chart.addSeries(first ? legend : "call " + e.callId() + " chunk " + e.chunk(),
                    new double[] {seconds(e.startOffset()), seconds(e.endOffset())}, new double[] {lane, lane});
            bar.setMarker(SeriesMarkers.NONE);
            bar.setLineWidth(12);
            bar.setLineStyle(BAR); // solid for every worker (XChart would dash every other series)
            bar.setLineColor(e.ok() ? palette[lane % palette.length] : FAILED);
            bar.setShowInLegend(first);
        }
        return chart;
    }

    /** A number to four significant digits, grouped, without trailing zeros: 6, -761,300, 0.3333. */
    private static String label(final double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        BigDecimal rounded = BigDecimal.valueOf(v).round(new MathContext(4));
        return new DecimalFormat("#,##0.####", DecimalFormatSymbols.getInstance(Locale.ROOT)).format(rounded);
    }

    private static double seconds(final Duration d) {
        return d.toNanos() / 1e9;
    }

    private static void style(final AxesChartStyler styler) {
        // Numbers on axes as people write them: 15,000,000 and 0.25, never 1.5E7. A pattern, not a
        // formatting function: XChart lays out a logarithmic axis only without one.
        styler.setXAxisDecimalPattern(AXIS_PATTERN);
        styler.setYAxisDecimalPattern(AXIS_PATTERN);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBorderVisible(false);
        styler.setLegendPosition(Styler.LegendPosition.InsideNW);
        styler.setLegendBorderColor(new Color(0xDDDDDD));
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        styler.setChartTitleBoxVisible(false);
        styler.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        styler.setAntiAlias(true);
    }
}
