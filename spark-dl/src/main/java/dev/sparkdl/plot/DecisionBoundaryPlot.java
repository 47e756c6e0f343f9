package dev.sparkdl.plot;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A classifier's decision boundary over two features, as one PNG: a grid of {@link #withGrid
 * cells} × cells points spanning the data's range (widened by {@link #withPadding padding} on
 * each side) is filled with a light colour per predicted class, and the data points are drawn
 * on top in the full colour of their true class. The axis titles are the feature names.
 *
 * <pre>{@code
 * DecisionBoundaryPlot.of(variance, skewness, labels)
 *     .withFeatureNames("variance", "skewness")
 *     .write("boundary.png", conf, points -> classify(points));
 * }</pre>
 *
 * <p>The plot knows only two coordinates: the {@link Classifier} maps a batch of (x, y) points
 * to classes. For a model with more inputs, the classifier decides the other inputs (the
 * models in {@code dev.sparkdl.ml} hold them at their mean). Instances are immutable; each
 * {@code with} method returns a copy.
 */
public final class DecisionBoundaryPlot {
  /** Default image width in pixels. */
  public static final int DEFAULT_WIDTH = 700;
  /** Default image height in pixels. */
  public static final int DEFAULT_HEIGHT = 600;
  /** Default grid cells per axis. */
  public static final int DEFAULT_GRID = 200;
  /** Default padding: the fraction of each feature's range added on both sides. */
  public static final double DEFAULT_PADDING = 0.1;
  /** Grid points per call of the classifier. */
  public static final int BATCH = 4096;

  /** Predicts the classes of a batch of points in the plot's two coordinates. */
  @FunctionalInterface
  public interface Classifier {
    /**
     * @param points {@code n × 2}: each row an (x, y) point
     * @return the predicted class index (0, 1, ...) of each of the {@code n} points
     */
    int[] classify(double[][] points);
  }

  private final double[] x;
  private final double[] y;
  private final int[] labels;
  private final String xName;
  private final String yName;
  private final List<String> classNames;
  private final String title;
  private final int width;
  private final int height;
  private final int grid;
  private final double padding;

  private DecisionBoundaryPlot(double[] x, double[] y, int[] labels, String xName, String yName,
      List<String> classNames, String title, int width, int height, int grid, double padding) {
    this.x = x;
    this.y = y;
    this.labels = labels;
    this.xName = xName;
    this.yName = yName;
    this.classNames = classNames;
    this.title = title;
    this.width = width;
    this.height = height;
    this.grid = grid;
    this.padding = padding;
  }

  /**
   * @param x each point's first feature (the horizontal axis)
   * @param y each point's second feature (the vertical axis)
   * @param labels each point's true class index
   * @return the plot at the default size, with features named "x" and "y"
   * @throws IllegalArgumentException if the arrays are empty or differ in length, a value is
   *     not finite or a label is negative
   */
  public static DecisionBoundaryPlot of(double[] x, double[] y, int[] labels) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    Objects.requireNonNull(labels, "labels");
    if (x.length == 0) {
      throw new IllegalArgumentException("No points to plot: the data is empty.");
    }
    if (y.length != x.length || labels.length != x.length) {
      throw new IllegalArgumentException("x, y and labels must have one value per point; received "
          + x.length + ", " + y.length + " and " + labels.length + " values.");
    }
    for (int i = 0; i < x.length; i++) {
      if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
        throw new IllegalArgumentException("Point " + i + " is (" + x[i] + ", " + y[i]
            + "): every coordinate must be finite.");
      }
      if (labels[i] < 0) {
        throw new IllegalArgumentException("Point " + i + " has label " + labels[i]
            + ": labels must be class indices 0, 1, ...");
      }
    }
    return new DecisionBoundaryPlot(x.clone(), y.clone(), labels.clone(), "x", "y", List.of(),
        "Decision boundary", DEFAULT_WIDTH, DEFAULT_HEIGHT, DEFAULT_GRID, DEFAULT_PADDING);
  }

  /** @return a copy whose axis titles are these feature names */
  public DecisionBoundaryPlot withFeatureNames(String xName, String yName) {
    return new DecisionBoundaryPlot(x, y, labels, Objects.requireNonNull(xName, "xName"),
        Objects.requireNonNull(yName, "yName"), classNames, title, width, height, grid, padding);
  }

  /**
   * @param names class {@code k}'s name at index {@code k}; classes beyond the list are named
   *     "class k"
   * @return a copy whose legend uses these names
   */
  public DecisionBoundaryPlot withClassNames(List<String> names) {
    return new DecisionBoundaryPlot(x, y, labels, xName, yName, List.copyOf(names), title, width,
        height, grid, padding);
  }

  /** @return a copy with this chart title */
  public DecisionBoundaryPlot withTitle(String title) {
    return new DecisionBoundaryPlot(x, y, labels, xName, yName, classNames,
        Objects.requireNonNull(title, "title"), width, height, grid, padding);
  }

  /**
   * @return a copy drawn at {@code width × height} pixels
   * @throws IllegalArgumentException if a side is outside 150 to 10000 pixels
   */
  public DecisionBoundaryPlot withSize(int width, int height) {
    Png.checkSize(width, height);
    return new DecisionBoundaryPlot(x, y, labels, xName, yName, classNames, title, width, height,
        grid, padding);
  }

  /**
   * @param cells grid points per axis, 10 to 1000 (the classifier scores cells²)
   * @return a copy with that grid
   */
  public DecisionBoundaryPlot withGrid(int cells) {
    if (cells < 10 || cells > 1000) {
      throw new IllegalArgumentException(
          "The grid must have 10 to 1000 cells per axis; received " + cells + ".");
    }
    return new DecisionBoundaryPlot(x, y, labels, xName, yName, classNames, title, width, height,
        cells, padding);
  }

  /**
   * @param fraction of each feature's range added below and above it, 0 to 1
   * @return a copy with that padding
   */
  public DecisionBoundaryPlot withPadding(double fraction) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException(
          "The padding must be a fraction from 0 to 1 of each feature's range; received "
              + fraction + ".");
    }
    return new DecisionBoundaryPlot(x, y, labels, xName, yName, classNames, title, width, height,
        grid, fraction);
  }

  /** @return the image width in pixels */
  public int width() {
    return width;
  }

  /** @return the image height in pixels */
  public int height() {
    return height;
  }

  /**
   * @return {xMin, xMax, yMin, yMax}: the plotted range, the data's range with the padding
   */
  public double[] range() {
    double[] rx = padded(x);
    double[] ry = padded(y);
    return new double[] {rx[0], rx[1], ry[0], ry[1]};
  }

  /**
   * Scores the grid and draws the plot.
   *
   * @param classifier predicts the class of grid points, called with batches of at most {@link
   *     #BATCH} points
   * @return the plot as an image of {@link #width()} × {@link #height()} pixels
   */
  public BufferedImage render(Classifier classifier) {
    Objects.requireNonNull(classifier, "classifier");
    double[] r = range();
    int[] predicted = score(classifier, r);
    XYChart chart = chart(r);

    BufferedImage overlay = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    Graphics2D og = overlay.createGraphics();
    try {
      chart.paint(og, width, height);
    } finally {
      og.dispose();
    }
    // the chart has laid out its axes while painting: place the grid under the plot area
    int left = (int) Math.round(chart.getScreenXFromChart(r[0]));
    int right = (int) Math.round(chart.getScreenXFromChart(r[1]));
    int top = (int) Math.round(chart.getScreenYFromChart(r[3]));
    int bottom = (int) Math.round(chart.getScreenYFromChart(r[2]));

    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
          RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
      g.drawImage(regions(predicted), left, top, right - left, bottom - top, null);
      g.drawImage(overlay, 0, 0, null);
    } finally {
      g.dispose();
    }
    return image;
  }

  /** @return the plot as PNG bytes */
  public byte[] toPng(Classifier classifier) {
    return Png.encode(render(classifier));
  }

  /**
   * Writes the PNG to a local path or any Hadoop file system URI, replacing an existing file.
   *
   * @param path where to write
   * @param conf resolves the path's file system (null: a default Hadoop configuration)
   * @param classifier predicts the class of grid points
   */
  public void write(String path, Configuration conf, Classifier classifier) {
    Png.write(toPng(classifier), path, conf);
  }

  /** @return the predicted class of each grid cell, row 0 at the bottom (yMin) */
  private int[] score(Classifier classifier, double[] r) {
    int cells = grid * grid;
    int[] predicted = new int[cells];
    double dx = (r[1] - r[0]) / grid;
    double dy = (r[3] - r[2]) / grid;
    for (int start = 0; start < cells; start += BATCH) {
      int n = Math.min(BATCH, cells - start);
      double[][] points = new double[n][2];
      for (int k = 0; k < n; k++) {
        int cell = start + k;
        points[k][0] = r[0] + (cell % grid + 0.5) * dx;
        points[k][1] = r[2] + (cell / grid + 0.5) * dy;
      }
      int[] classes = classifier.classify(points);
      if (classes == null || classes.length != n) {
        throw new IllegalStateException("The classifier returned "
            + (classes == null ? "null" : classes.length + " classes") + " for " + n + " points.");
      }
      System.arraycopy(classes, 0, predicted, start, n);
    }
    return predicted;
  }

  /** @return one pixel per grid cell, light colour of its predicted class, top row first */
  private BufferedImage regions(int[] predicted) {
    BufferedImage cells = new BufferedImage(grid, grid, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < predicted.length; i++) {
      int col = i % grid;
      int row = grid - 1 - i / grid;
      cells.setRGB(col, row, Charts.lighter(Charts.classColour(predicted[i]), 0.72).getRGB());
    }
    return cells;
  }

  private XYChart chart(double[] r) {
    XYChart chart = Charts.xy(width, height, title, xName, yName);
    XYStyler s = chart.getStyler();
    Color clear = new Color(0, 0, 0, 0);
    s.setChartBackgroundColor(clear);
    s.setPlotBackgroundColor(clear);
    s.setPlotGridLinesColor(new Color(255, 255, 255, 110));
    s.setPlotContentSize(1.0);
    s.setXAxisMin(r[0]);
    s.setXAxisMax(r[1]);
    s.setYAxisMin(r[2]);
    s.setYAxisMax(r[3]);
    s.setMarkerSize(7);
    s.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    for (int k : new TreeSet<>(toList(labels))) {
      List<Double> px = new ArrayList<>();
      List<Double> py = new ArrayList<>();
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] == k) {
          px.add(x[i]);
          py.add(y[i]);
        }
      }
      XYSeries series = chart.addSeries(className(k), px, py);
      series.setMarker(SeriesMarkers.CIRCLE);
      series.setMarkerColor(Charts.classColour(k));
    }
    return chart;
  }

  private String className(int k) {
    return k < classNames.size() ? classNames.get(k) : "class " + k;
  }

  private double[] padded(double[] v) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double d : v) {
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    double span = max - min;
    double pad = span > 0 ? span * padding : Math.max(Math.abs(min) * 0.1, 0.5);
    return new double[] {min - pad, max + pad};
  }

  private static List<Integer> toList(int[] a) {
    List<Integer> l = new ArrayList<>(a.length);
    for (int v : a) {
      l.add(v);
    }
    return l;
  }
}
