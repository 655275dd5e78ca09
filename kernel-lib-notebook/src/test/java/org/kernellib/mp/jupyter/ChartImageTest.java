package org.kernellib.mp.jupyter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kernellib.mp.charts.Charts;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

class ChartImageTest {
    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void shouldDrawAtTwiceTheLogicalSize() throws Exception {
        XYChart chart = Charts.xy("squares", "n", "n\u00b2");
        chart.addSeries("square", new double[] {1, 2, 3}, new double[] {1, 4, 9});
        ChartImage image = ChartImage.of(chart);

        assertEquals(Charts.WIDTH, image.width());
        assertEquals(Charts.HEIGHT, image.height());
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(image.png()));
        assertEquals(2 * Charts.WIDTH, png.getWidth());
        assertEquals(2 * Charts.HEIGHT, png.getHeight());
        assertTrue(distinctColours(png) > 20, "a drawn chart has text, lines and antialiasing");
        assertEquals(image.pngBase64(), Base64.getEncoder().encodeToString(image.png()));
    }

    @Test
    void shouldExplainAChartWithoutASize() {
        XYChart chart = new XYChartBuilder().width(0).height(300).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChartImage.of(chart));
        assertTrue(e.getMessage().contains("0x300"), e.getMessage());
    }

    @Test
    void shouldDescribeTheChartInPlainText() {
        XYChart chart = Charts.xy("timing", "x", "y");
        chart.addSeries("a", new double[] {1}, new double[] {1});
        assertEquals("XYChart \"timing\" (1 series, 640x360)", KernelLibExtension.describe(chart));
    }

    private static int distinctColours(final BufferedImage image) {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
