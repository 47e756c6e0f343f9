package dev.sparkdl.plot;

import dev.sparkdl.callbacks.History;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A training history as one PNG, the plot of Keras courses: one panel per metric titled with
 * its name ({@code loss} first, then each compiled metric in the order recorded, then {@code
 * learning_rate} when recorded), the training value ("train") and the validation value
 * ({@code val_} prefix, "validation") against the epoch, with a legend. Panels sit two to a row;
 * the last of an odd number takes a whole row.
 *
 * <pre>{@code
 * HistoryPlot.of(model.history()).withSize(1000, 600).write("hdfs:///plots/history.png");
 * }</pre>
 *
 * <p>Instances are immutable; {@link #withSize} returns a copy. Epochs whose value is NaN or
 * infinite leave a gap; a metric with no finite value at all gets no panel.
 */
public final class HistoryPlot {
  /** Default image width in pixels. */
  public static final int DEFAULT_WIDTH = 800;
  /** Default height of one row of panels in pixels. */
  public static final int DEFAULT_ROW_HEIGHT = 300;
  /** Panels per row. */
  public static final int COLUMNS = 2;

  private static final String VAL = "val_";
  private static final String LEARNING_RATE = "learning_rate";

  private final History history;
  private final List<String> panels;
  private final int width;
  private final int height;

  private HistoryPlot(History history, List<String> panels, int width, int height) {
    this.history = history;
    this.panels = panels;
    this.width = width;
    this.height = height;
  }

  /**
   * @param history a fit's history (Keras' {@code History})
   * @return its plot at the default size: {@link #DEFAULT_WIDTH} wide, {@link
   *     #DEFAULT_ROW_HEIGHT} per row of panels
   * @throws IllegalArgumentException if the history has no epochs or no finite value to plot
   */
  public static HistoryPlot of(History history) {
    Objects.requireNonNull(history, "history");
    if (history.size() == 0) {
      throw new IllegalArgumentException("The history is empty (0 epochs): there is nothing to"
          + " plot. A model records one entry per epoch while fit() runs; plot a fitted model's"
          + " history, or a saved model's after loading it.");
    }
    List<String> panels = panels(history);
    if (panels.isEmpty()) {
      throw new IllegalArgumentException("The history has " + history.size() + " epochs but no"
          + " finite value in any metric " + history.keys() + ": there is nothing to plot.");
    }
    int rows = (panels.size() + COLUMNS - 1) / COLUMNS;
    return new HistoryPlot(history, panels, DEFAULT_WIDTH, DEFAULT_ROW_HEIGHT * rows);
  }

  /**
   * @param width the whole image's width in pixels
   * @param height the whole image's height in pixels (all rows of panels)
   * @return a copy drawn at that size
   * @throws IllegalArgumentException if a side is outside 150 to 10000 pixels
   */
  public HistoryPlot withSize(int width, int height) {
    Png.checkSize(width, height);
    return new HistoryPlot(history, panels, width, height);
  }

  /** @return the metric of each panel, in drawing order (left to right, then down) */
  public List<String> panels() {
    return panels;
  }

  /** @return the image width in pixels */
  public int width() {
    return width;
  }

  /** @return the image height in pixels */
  public int height() {
    return height;
  }

  /** @return the plot as an image of {@link #width()} × {@link #height()} pixels */
  public BufferedImage render() {
    int columns = Math.min(COLUMNS, panels.size());
    int rows = (panels.size() + columns - 1) / columns;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      for (int i = 0; i < panels.size(); i++) {
        int c = i % columns;
        int r = i / columns;
        // the last panel of an odd count takes the whole row
        int span = i == panels.size() - 1 && c == 0 ? columns : 1;
        int x0 = width * c / columns;
        int y0 = height * r / rows;
        int w = width * (c + span) / columns - x0;
        int h = height * (r + 1) / rows - y0;
        Graphics2D panel = (Graphics2D) g.create(x0, y0, w, h);
        try {
          panel(panels.get(i), w, h).paint(panel, w, h);
        } finally {
          panel.dispose();
        }
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  /** @return the plot as PNG bytes */
  public byte[] toPng() {
    return Png.encode(render());
  }

  /**
   * Writes the PNG to a local path or any Hadoop file system URI, replacing an existing file.
   *
   * @param path e.g. {@code history.png}, {@code hdfs:///user/me/history.png}
   */
  public void write(String path) {
    write(path, new Configuration());
  }

  /**
   * @param path where to write the PNG (replaced if it exists)
   * @param conf the Hadoop configuration that resolves the path's file system (a Spark
   *     session's {@code sparkContext().hadoopConfiguration()})
   */
  public void write(String path, Configuration conf) {
    Png.write(toPng(), path, conf);
  }

  private XYChart panel(String metric, int w, int h) {
    XYChart chart = Charts.xy(w, h, metric, "epoch", metric);
    double[] epochs = history.epochs().stream().mapToDouble(History.Epoch::epoch).toArray();
    boolean markers = epochs.length <= 40;
    chart.getStyler().setMarkerSize(5);
    if (LEARNING_RATE.equals(metric)) {
      add(chart, "learning rate", epochs, history.get(metric), Charts.GREEN, markers);
      chart.getStyler().setLegendVisible(false);
      chart.setCustomYAxisTickLabelsFormatter(v -> String.format(Locale.ROOT, "%.3g", v));
    } else {
      if (history.keys().contains(metric)) {
        add(chart, "train", epochs, history.get(metric), Charts.BLUE, markers);
      }
      if (history.keys().contains(VAL + metric)) {
        add(chart, "validation", epochs, history.get(VAL + metric), Charts.ORANGE, markers);
      }
    }
    // epochs are whole numbers: label only the whole ticks
    chart.setCustomXAxisTickLabelsFormatter(
        v -> v == Math.rint(v) ? Long.toString(Math.round(v)) : "");
    return chart;
  }

  private static void add(XYChart chart, String name, double[] epochs, double[] values,
      Color colour, boolean markers) {
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      if (Double.isFinite(values[i])) {
        x.add(epochs[i]);
        y.add(values[i]);
      }
    }
    if (x.isEmpty()) {
      return;
    }
    XYSeries s = chart.addSeries(name, x, y);
    s.setLineColor(colour);
    s.setMarkerColor(colour);
    s.setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
  }

  /**
   * loss, the compiled metrics in recorded order, learning_rate when it changed (a schedule or a
   * callback); each with a finite value.
   */
  private static List<String> panels(History history) {
    Set<String> names = new LinkedHashSet<>();
    names.add("loss");
    for (String k : history.keys()) {
      names.add(k.startsWith(VAL) ? k.substring(VAL.length()) : k);
    }
    names.remove(LEARNING_RATE);
    if (history.keys().contains(LEARNING_RATE)
        && java.util.Arrays.stream(history.get(LEARNING_RATE)).distinct().count() > 1) {
      names.add(LEARNING_RATE);
    }
    List<String> panels = new ArrayList<>();
    for (String n : names) {
      if (hasFinite(history, n) || (!LEARNING_RATE.equals(n) && hasFinite(history, VAL + n))) {
        panels.add(n);
      }
    }
    return List.copyOf(panels);
  }

  private static boolean hasFinite(History history, String key) {
    if (!history.keys().contains(key)) {
      return false;
    }
    for (double v : history.get(key)) {
      if (Double.isFinite(v)) {
        return true;
      }
    }
    return false;
  }
}
