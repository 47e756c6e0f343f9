package dev.sparkdl.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;

/** The look both plots share: white background, light grid, matplotlib's first colours. */
final class Charts {
  /** matplotlib's tab:blue, the colour of the training curve and of class 0. */
  static final Color BLUE = new Color(0x1f, 0x77, 0xb4);
  /** matplotlib's tab:orange, the validation curve and class 1. */
  static final Color ORANGE = new Color(0xff, 0x7f, 0x0e);
  /** matplotlib's tab:green, the learning rate and class 2. */
  static final Color GREEN = new Color(0x2c, 0xa0, 0x2c);
  /** matplotlib's tab10 palette, one colour per class. */
  static final Color[] PALETTE = {
    BLUE, ORANGE, GREEN, new Color(0xd6, 0x27, 0x28), new Color(0x94, 0x67, 0xbd),
    new Color(0x8c, 0x56, 0x4b), new Color(0xe3, 0x77, 0xc2), new Color(0x7f, 0x7f, 0x7f),
    new Color(0xbc, 0xbd, 0x22), new Color(0x17, 0xbe, 0xcf)
  };

  private Charts() {}

  /** @return an XY chart with the shared style and its legend below the plot */
  static XYChart xy(int width, int height, String title, String xTitle, String yTitle) {
    XYChart chart = new XYChartBuilder().width(width).height(height).title(title)
        .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    XYStyler s = chart.getStyler();
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotBorderColor(Color.GRAY);
    s.setPlotGridLinesColor(new Color(0xdd, 0xdd, 0xdd));
    s.setPlotGridLinesStroke(new BasicStroke(1f));
    s.setChartTitleBoxVisible(false);
    s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
    s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    s.setLegendPosition(Styler.LegendPosition.OutsideS);
    s.setLegendLayout(Styler.LegendLayout.Horizontal);
    s.setLegendBorderColor(Color.WHITE);
    s.setLegendBackgroundColor(Color.WHITE);
    s.setAxisTickMarksColor(Color.GRAY);
    return chart;
  }

  /** @return the colour of class {@code k} (the palette repeats after ten classes) */
  static Color classColour(int k) {
    return PALETTE[Math.floorMod(k, PALETTE.length)];
  }

  /** @return {@code c} blended with white: {@code amount} 0 is c, 1 is white */
  static Color lighter(Color c, double amount) {
    return new Color(blend(c.getRed(), amount), blend(c.getGreen(), amount),
        blend(c.getBlue(), amount));
  }

  private static int blend(int v, double amount) {
    return (int) Math.round(v + (255 - v) * amount);
  }
}
