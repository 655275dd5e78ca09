package org.kernellib.mp.charts;

import java.awt.Color;
import java.awt.Font;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
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

    private static void style(final AxesChartStyler styler) {
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
