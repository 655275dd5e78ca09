package org.kernellib.mp.jupyter;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * An XChart chart drawn as a PNG for a notebook output.
 *
 * <p>The chart is painted at {@link #SCALE} times its logical size and the notebook is told the
 * logical width and height, so a high-density screen gets one image pixel per device pixel and
 * the chart looks crisp instead of blurred. Kept free of JJava so it can be tested without a kernel.
 */
public final class ChartImage {
    /** Device pixels per logical pixel: 2 matches the common "retina" screens. */
    public static final int SCALE = 2;

    private final byte[] png;
    private final int width;
    private final int height;

    private ChartImage(final byte[] png, final int width, final int height) {
        this.png = png;
        this.width = width;
        this.height = height;
    }

    /** Paints the chart at {@link #SCALE}× its own width and height. */
    public static ChartImage of(final Chart<?, ?> chart) {
        final int w = chart.getWidth();
        final int h = chart.getHeight();
        if (w <= 0 || h <= 0) {
            throw new IllegalArgumentException("a chart needs a positive size to be drawn, got "
                    + w + "x" + h + "; give its builder .width(600).height(400)");
        }
        final BufferedImage image = new BufferedImage(w * SCALE, h * SCALE, BufferedImage.TYPE_INT_ARGB);
        final Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.scale(SCALE, SCALE);
            chart.paint(g, w, h);
        } finally {
            g.dispose();
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode the chart as PNG", e);
        }
        return new ChartImage(bytes.toByteArray(), w, h);
    }

    /** The PNG file's bytes. */
    public byte[] png() {
        return png.clone();
    }

    /** The PNG as base64, the form Jupyter's {@code image/png} output carries. */
    public String pngBase64() {
        return java.util.Base64.getEncoder().encodeToString(png);
    }

    /** Logical width: the width the notebook should display the image at. */
    public int width() {
        return width;
    }

    /** Logical height. */
    public int height() {
        return height;
    }
}
