package dev.sparkdl.examples;

import dev.sparkdl.ml.DistributionEvaluator;
import dev.sparkdl.ml.NeuralNetRegressionModel;
import dev.sparkdl.ml.NeuralNetRegressor;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Dropout;
import dev.sparkdl.spec.Sequential;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Predicted distributions of a continuous label, and how well their intervals hold on held-out
 * rows: a {@code normal} head (mean and standard deviation) against a two-component
 * {@code mixture_normal} head on
 *
 * <ul>
 *   <li>R's {@code faithful} (Old Faithful geyser): the eruption's duration from the waiting time
 *       before it. That direction is the bimodal one: for waits of about 65 to 75 minutes an
 *       eruption is either short (about 2 minutes) or long (about 4.3), with few in between, so
 *       the conditional distribution of {@code eruptions} given {@code waiting} has two modes
 *       there, which one normal cannot express and a two-component mixture can. (The other
 *       direction, waiting given eruptions, is close to a single normal around a rising line.)
 *   <li>synthetic heteroscedastic data, y = x + ε with ε ~ N(0, (0.1 + 0.5|x|)²), x ~ U(−2, 2),
 *       where the spread, not the shape, changes with x.
 * </ul>
 *
 * Then Monte Carlo dropout on the synthetic data: a network with Dropout scored with
 * {@code mcSamples} passes, whose epistemic standard deviation (the spread of the passes' means)
 * should grow away from the training range. Writes one PNG per data set: the points, the
 * predicted mean over a grid of x and the 95 % interval as a band.
 */
@Command(name = "uncertainty", mixinStandardHelpOptions = true,
    description = "normal vs mixture_normal heads (held-out NLL, 95 % coverage) on R's faithful"
        + " and synthetic heteroscedastic data; Monte Carlo dropout; PNG plots.")
final class Uncertainty implements Callable<Integer> {
  @Option(names = "--data", required = true,
      description = "the shared data folder (../shared/data) holding r-faithful/faithful.csv"
          + " (read only when --parts includes faithful)")
  File data;

  @Option(names = "--out", description = "folder of the PNGs (default: ${DEFAULT-VALUE})")
  File out = new File("target/uncertainty");

  @Option(names = "--folds", description = "K of the K-fold on faithful (default: ${DEFAULT-VALUE})")
  int folds = 5;

  @Option(names = "--repeats", description = "K-fold repetitions on faithful (default: ${DEFAULT-VALUE})")
  int repeats = 2;

  @Option(names = "--faithful-epochs", description = "epochs on faithful (default: ${DEFAULT-VALUE})")
  int faithfulEpochs = 150;

  // 272 rows and one input: one small hidden layer is enough to bend the mean and move the
  // mixture's weights with the waiting time, and leaves the 2-component head little room to
  // overfit (two 32-unit layers fitted the training folds' noise: the mixture lost on NLL)
  @Option(names = "--hidden", split = ",", description = "the hidden ReLU layers' units on"
      + " faithful, e.g. 32,32 (default: ${DEFAULT-VALUE})")
  int[] hidden = {16};

  @Option(names = "--faithful-learning-rate", description = "Adam's learning rate on faithful"
      + " (default: ${DEFAULT-VALUE})")
  double faithfulLearningRate = 0.01;

  @Option(names = "--parts", split = ",", description = "what to run: faithful, synthetic, mc"
      + " (default: ${DEFAULT-VALUE})")
  List<String> parts = List.of("faithful", "synthetic", "mc");

  @Option(names = "--rows", description = "synthetic training rows (default: ${DEFAULT-VALUE})")
  int rows = 2000;

  @Option(names = "--epochs", description = "epochs on the synthetic data (default: ${DEFAULT-VALUE})")
  int epochs = 40;

  @Option(names = "--mc-samples", description = "Monte Carlo dropout passes (default: ${DEFAULT-VALUE})")
  int mcSamples = 50;

  @Option(names = "--seed", description = "seed of the data, the folds and the networks (default: ${DEFAULT-VALUE})")
  long seed = 14;

  @Option(names = "--workers", description = "partitions trained in parallel (default: ${DEFAULT-VALUE})")
  int workers = 1;

  @Option(names = "--master", description = "Spark master (default: ${DEFAULT-VALUE})")
  String master = "local[2]";

  /** The RESULT line's figures, for the tests. */
  Map<String, Object> result;

  private static final double TRAIN_HALF_WIDTH = 2;
  private static final StructType SCHEMA = new StructType(new StructField[] {
    new StructField("x", DataTypes.DoubleType, false, Metadata.empty()),
    new StructField("label", DataTypes.DoubleType, false, Metadata.empty()),
    new StructField("features", SQLDataTypes.VectorType(), false, Metadata.empty())
  });

  @Override
  public Integer call() throws IOException {
    Path faithfulCsv = data.toPath().resolve("r-faithful/faithful.csv");
    if (parts.contains("faithful") && !Files.isRegularFile(faithfulCsv)) {
      System.err.println("No file " + faithfulCsv + ": pass the shared data folder"
          + " (../shared/data) with --data DIR.");
      return 2;
    }
    Files.createDirectories(out.toPath());
    SparkSession session = Support.spark(master, "spark-dl uncertainty");
    try {
      result = new LinkedHashMap<>();
      if (parts.contains("faithful")) {
        faithful(session, faithfulCsv);
      }
      if (parts.contains("synthetic")) {
        synthetic(session);
      }
      if (parts.contains("mc")) {
        mcDropout(session);
      }
      Support.result(result);
      return 0;
    } finally {
      session.stop();
    }
  }

  /**
   * The two heads on one body of hidden ReLU layers, then 2 linear units (normal: mean and
   * standard deviation before softplus) or 3K = 6 (mixture: 2 logits, 2 means, 2 standard
   * deviations before softplus).
   */
  private NeuralNetRegressor regressor(String distribution, int[] units, double lr,
      int epochCount, int batch, long s) {
    List<dev.sparkdl.spec.LayerSpec> layers = new ArrayList<>();
    for (int u : units) {
      layers.add(Dense.units(u).activation("relu"));
    }
    layers.add(Dense.units(distribution.equals("normal") ? 2 : 6));
    return new NeuralNetRegressor().setDistribution(distribution).setMixtureComponents(2)
        .setLayers(Sequential.of(layers.toArray(new dev.sparkdl.spec.LayerSpec[0])))
        .setOptimizer("adam").setLearningRate(lr).setEpochs(epochCount).setBatchSize(batch)
        .setNumWorkers(workers).setSeed(s).setVerbose(0);
  }

  // ---------------------------------------------------------------- faithful

  private void faithful(SparkSession session, Path csv) throws IOException {
    List<double[]> pts = new ArrayList<>(); // (waiting, eruptions)
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    for (String line : lines.subList(1, lines.size())) {
      if (!line.isBlank()) {
        String[] c = line.replace("\"", "").split(",");
        pts.add(new double[] {Double.parseDouble(c[1]), Double.parseDouble(c[0])});
      }
    }
    System.out.printf("faithful: %d eruptions; eruptions (min) from waiting (min), %d-fold x %d%n",
        pts.size(), folds, repeats);
    String[] models = {"normal", "mixture_normal"};
    double[][] sums = new double[2][3]; // per model: nll sum, covered sum, rows
    Map<String, NeuralNetRegressionModel> plotModels = new LinkedHashMap<>();
    double[] plotScale = null;
    long t0 = System.nanoTime();
    for (int rep = 0; rep < repeats; rep++) {
      List<double[]> shuffled = new ArrayList<>(pts);
      Collections.shuffle(shuffled, new Random(seed * 1000 + rep));
      for (int k = 0; k < folds; k++) {
        List<double[]> train = new ArrayList<>();
        List<double[]> test = new ArrayList<>();
        for (int i = 0; i < shuffled.size(); i++) {
          (i % folds == k ? test : train).add(shuffled.get(i));
        }
        double[] scale = meanSd(train); // standardise the input with the training rows' figures
        Dataset<Row> trainDf = frame(session, train, scale).cache();
        Dataset<Row> testDf = frame(session, test, scale).cache();
        for (int m = 0; m < models.length; m++) {
          NeuralNetRegressionModel model =
              regressor(models[m], hidden, faithfulLearningRate, faithfulEpochs, 32,
                  seed + 100L * rep + k).fit(trainDf);
          Dataset<Row> scored = model.transform(testDf).cache();
          sums[m][0] += nll(scored) * test.size();
          sums[m][1] += coverage(scored) * test.size();
          sums[m][2] += test.size();
          scored.unpersist();
          if (rep == 0 && k == 0) {
            plotModels.put(models[m], model);
            plotScale = scale;
          }
        }
        trainDf.unpersist();
        testDf.unpersist();
      }
    }
    System.out.printf("faithful: %d fits per model in %.1f s%n", folds * repeats,
        (System.nanoTime() - t0) / 1e9);
    for (int m = 0; m < models.length; m++) {
      report("faithful", models[m], sums[m][0] / sums[m][2], sums[m][1] / sums[m][2],
          (long) sums[m][2]);
    }
    result.put("faithful_mixture_beats_normal", sums[1][0] / sums[1][2] < sums[0][0] / sums[0][2]);
    double[] grid = grid(40, 100, 121);
    plot("faithful", "Old Faithful: eruption duration given waiting time (fold 1's models)",
        "waiting (min)", "eruptions (min)", pts, grid, session, plotModels, plotScale);
  }

  // ---------------------------------------------------------------- synthetic

  /** y = x + ε, ε ~ N(0, (0.1 + 0.5|x|)²), x ~ U(−2, 2). */
  static List<double[]> heteroscedastic(int n, long s) {
    Random r = new Random(s);
    List<double[]> pts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double x = (r.nextDouble() * 2 - 1) * TRAIN_HALF_WIDTH;
      pts.add(new double[] {x, x + (0.1 + 0.5 * Math.abs(x)) * r.nextGaussian()});
    }
    return pts;
  }

  private void synthetic(SparkSession session) throws IOException {
    List<double[]> train = heteroscedastic(rows, seed);
    List<double[]> test = heteroscedastic(rows / 2, seed + 1);
    System.out.printf("synthetic: y = x + N(0, (0.1 + 0.5|x|)^2), x ~ U(-2, 2); %d training,"
        + " %d held-out rows%n", train.size(), test.size());
    double[] none = {0, 1}; // x is already on a unit scale
    Dataset<Row> trainDf = frame(session, train, none).cache();
    Dataset<Row> testDf = frame(session, test, none).cache();
    Map<String, NeuralNetRegressionModel> fitted = new LinkedHashMap<>();
    for (String m : new String[] {"normal", "mixture_normal"}) {
      NeuralNetRegressionModel model = regressor(m, new int[] {32, 32}, 0.01, epochs, 64, seed).fit(trainDf);
      Dataset<Row> scored = model.transform(testDf).cache();
      report("synthetic", m, nll(scored), coverage(scored), test.size());
      scored.unpersist();
      fitted.put(m, model);
    }
    plot("synthetic", "y = x + N(0, (0.1 + 0.5|x|)²): predicted mean and 95 % interval", "x", "y",
        train, grid(-2.5, 2.5, 101), session, fitted, none);
    trainDf.unpersist();
    testDf.unpersist();
  }

  // ---------------------------------------------------------------- MC dropout

  private void mcDropout(SparkSession session) throws IOException {
    List<double[]> train = heteroscedastic(rows, seed);
    double[] none = {0, 1};
    Dataset<Row> trainDf = frame(session, train, none);
    // Dropout after each hidden layer; the normal head still models the noise (aleatoric),
    // the Monte Carlo passes' spread of means is the model's own uncertainty (epistemic)
    NeuralNetRegressionModel model = new NeuralNetRegressor().setDistribution("normal")
        .setLayers(Sequential.of(Dense.units(64).activation("relu"), Dropout.rate(0.2),
            Dense.units(64).activation("relu"), Dropout.rate(0.2), Dense.units(2)))
        .setOptimizer("adam").setLearningRate(0.01).setEpochs(epochs).setBatchSize(64)
        .setNumWorkers(workers).setSeed(seed).setVerbose(0).fit(trainDf);
    model.setMcSamples(mcSamples);
    double[] grid = grid(-6, 6, 241);
    List<Row> scored = model.transform(frame(session, gridPoints(grid), none)).orderBy("x")
        .select("x", "epistemicStddev", "prediction", "lower", "upper").collectAsList();
    double inside = 0;
    double outside = 0;
    int nIn = 0;
    int nOut = 0;
    for (Row r : scored) {
      double ax = Math.abs(r.getDouble(0));
      if (ax <= TRAIN_HALF_WIDTH) {
        inside += r.getDouble(1);
        nIn++;
      } else if (ax >= 4 && ax <= 6) {
        outside += r.getDouble(1);
        nOut++;
      }
    }
    inside /= nIn;
    outside /= nOut;
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("dataset", "synthetic");
    line.put("model", "normal_mc_dropout");
    line.put("mc_samples", mcSamples);
    line.put("mean_epistemic_sd_inside_x_in_-2_2", Support.round(inside, 4));
    line.put("mean_epistemic_sd_outside_abs_x_in_4_6", Support.round(outside, 4));
    line.put("outside_over_inside", Support.round(outside / inside, 2));
    Support.json(line);
    result.put("mc_epistemic_sd_inside", Support.round(inside, 4));
    result.put("mc_epistemic_sd_outside", Support.round(outside, 4));
    result.put("mc_larger_outside", outside > inside);

    XYChart chart = chart("Monte Carlo dropout (" + mcSamples + " passes), trained on x in [-2, 2]",
        "x", "y");
    scatter(chart, train);
    double[] xs = new double[scored.size()];
    double[] mean = new double[xs.length];
    double[] lo = new double[xs.length];
    double[] hi = new double[xs.length];
    double[] eLo = new double[xs.length];
    double[] eHi = new double[xs.length];
    for (int i = 0; i < xs.length; i++) {
      Row r = scored.get(i);
      xs[i] = r.getDouble(0);
      mean[i] = r.getDouble(2);
      lo[i] = r.getDouble(3);
      hi[i] = r.getDouble(4);
      eLo[i] = mean[i] - 2 * r.getDouble(1);
      eHi[i] = mean[i] + 2 * r.getDouble(1);
    }
    band(chart, "95 % predictive interval", xs, lo, hi, BLUE);
    band(chart, "mean ± 2 epistemic sd", xs, eLo, eHi, RED);
    line(chart, "mean", xs, mean, BLUE);
    save(chart, "mc_dropout");
  }

  // ---------------------------------------------------------------- helpers

  private void report(String set, String model, double nll, double coverage, long n) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("dataset", set);
    line.put("model", model);
    line.put("heldout_rows", n);
    line.put("mean_nll", Support.round(nll, 4));
    line.put("coverage_95", Support.round(coverage, 4));
    Support.json(line);
    result.put(set + "_" + model + "_nll", Support.round(nll, 4));
    result.put(set + "_" + model + "_coverage", Support.round(coverage, 4));
  }

  private static double nll(Dataset<Row> scored) {
    return new DistributionEvaluator().setMetricName("nll").evaluate(scored);
  }

  private static double coverage(Dataset<Row> scored) {
    return new DistributionEvaluator().setMetricName("coverage").evaluate(scored);
  }

  private static double[] meanSd(List<double[]> pts) {
    double m = pts.stream().mapToDouble(p -> p[0]).average().orElse(0);
    double v = pts.stream().mapToDouble(p -> (p[0] - m) * (p[0] - m)).sum() / (pts.size() - 1);
    return new double[] {m, Math.sqrt(v)};
  }

  /** Rows (x, label, features = [(x − mean) / sd]). */
  private static Dataset<Row> frame(SparkSession s, List<double[]> pts, double[] scale) {
    List<Row> rows = new ArrayList<>(pts.size());
    for (double[] p : pts) {
      rows.add(RowFactory.create(p[0], p[1], Vectors.dense((p[0] - scale[0]) / scale[1])));
    }
    return s.createDataFrame(rows, SCHEMA);
  }

  private static double[] grid(double from, double to, int n) {
    double[] g = new double[n];
    for (int i = 0; i < n; i++) {
      g[i] = from + (to - from) * i / (n - 1);
    }
    return g;
  }

  private static List<double[]> gridPoints(double[] grid) {
    List<double[]> pts = new ArrayList<>();
    for (double x : grid) {
      pts.add(new double[] {x, 0});
    }
    return pts;
  }

  private static final Color BLUE = new Color(0x1f, 0x77, 0xb4);
  private static final Color ORANGE = new Color(0xff, 0x7f, 0x0e);
  private static final Color RED = new Color(0xd6, 0x27, 0x28);

  /** The data, and per model its mean line and interval band over the grid. */
  private void plot(String name, String title, String xTitle, String yTitle, List<double[]> pts,
      double[] grid, SparkSession session, Map<String, NeuralNetRegressionModel> models,
      double[] scale) throws IOException {
    XYChart chart = chart(title, xTitle, yTitle);
    scatter(chart, pts);
    Color[] colours = {BLUE, ORANGE};
    int c = 0;
    for (Map.Entry<String, NeuralNetRegressionModel> e : models.entrySet()) {
      List<Row> scored = e.getValue().transform(frame(session, gridPoints(grid), scale))
          .orderBy("x").select("x", "prediction", "lower", "upper").collectAsList();
      double[] xs = new double[scored.size()];
      double[] mean = new double[xs.length];
      double[] lo = new double[xs.length];
      double[] hi = new double[xs.length];
      for (int i = 0; i < xs.length; i++) {
        xs[i] = scored.get(i).getDouble(0);
        mean[i] = scored.get(i).getDouble(1);
        lo[i] = scored.get(i).getDouble(2);
        hi[i] = scored.get(i).getDouble(3);
      }
      band(chart, e.getKey() + ": 95 % interval", xs, lo, hi, colours[c]);
      line(chart, e.getKey() + ": mean", xs, mean, colours[c]);
      c++;
    }
    save(chart, name);
  }

  private static XYChart chart(String title, String xTitle, String yTitle) {
    XYChart chart = new XYChartBuilder().width(900).height(600).title(title).xAxisTitle(xTitle)
        .yAxisTitle(yTitle).build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotGridLinesColor(new Color(0xdd, 0xdd, 0xdd));
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setLegendBorderColor(Color.WHITE);
    chart.getStyler().setMarkerSize(4);
    return chart;
  }

  private static void scatter(XYChart chart, List<double[]> pts) {
    double[] x = pts.stream().mapToDouble(p -> p[0]).toArray();
    double[] y = pts.stream().mapToDouble(p -> p[1]).toArray();
    XYSeries s = chart.addSeries("data", x, y);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    s.setMarker(SeriesMarkers.CIRCLE);
    s.setMarkerColor(new Color(0x55, 0x55, 0x55, 0x80));
  }

  /** A translucent band between lo and hi: one closed polygon (x forward on hi, back on lo). */
  private static void band(XYChart chart, String name, double[] xs, double[] lo, double[] hi,
      Color colour) {
    int n = xs.length;
    double[] px = new double[2 * n];
    double[] py = new double[2 * n];
    for (int i = 0; i < n; i++) {
      px[i] = xs[i];
      py[i] = hi[i];
      px[2 * n - 1 - i] = xs[i];
      py[2 * n - 1 - i] = lo[i];
    }
    XYSeries s = chart.addSeries(name, px, py);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
    s.setMarker(SeriesMarkers.NONE);
    s.setFillColor(new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), 0x40));
    s.setLineColor(new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), 0x90));
  }

  private static void line(XYChart chart, String name, double[] xs, double[] ys, Color colour) {
    XYSeries s = chart.addSeries(name, xs, ys);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(colour);
    s.setLineStyle(new BasicStroke(2f));
  }

  private void save(XYChart chart, String name) throws IOException {
    Path file = out.toPath().resolve(name + ".png");
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    System.out.println("wrote " + file.toAbsolutePath());
    result.put(name + "_png", file.toAbsolutePath().toString());
  }
}
