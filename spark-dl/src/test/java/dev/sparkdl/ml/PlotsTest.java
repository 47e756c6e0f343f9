package dev.sparkdl.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.callbacks.History;
import dev.sparkdl.plot.DecisionBoundaryPlot;
import dev.sparkdl.plot.HistoryPlot;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.TestSpark;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * History and decision-boundary PNGs of real fitted models: the size asked for, curves and class
 * regions in their colours, and the refusals.
 */
class PlotsTest {
  static final Color BLUE = new Color(0x1f, 0x77, 0xb4);
  static final Color ORANGE = new Color(0xff, 0x7f, 0x0e);
  static final Color GREEN = new Color(0x2c, 0xa0, 0x2c);

  private static Dataset<Row> blobs;
  private static NeuralNetClassificationModel model;

  @TempDir Path dir;

  @BeforeAll
  static void fit() {
    blobs = blobs(TestSpark.session(), 240, 7);
    model = new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(8).activation("relu"),
            Dense.units(2).activation("softmax")))
        .setOptimizer("adam").setLearningRate(0.05).setMetrics("accuracy")
        // a rate that changes, so that the learning_rate panel is drawn
        .setCallbacks(new dev.sparkdl.callbacks.LearningRateScheduler(
            (epoch, lr) -> 0.05 / (1 + epoch), 0))
        .setValidationSplit(0.25).setEpochs(6).setBatchSize(16).setNumWorkers(1).setSeed(3)
        .setVerbose(0).fit(blobs);
  }

  /**
   * Two seeded Gaussian blobs, class 0 around (-1, -1) and class 1 around (1, 1), and a noise
   * feature {@code c}; features assembled from a, b, c (so the column carries their names).
   */
  static Dataset<Row> blobs(SparkSession spark, int rows, long seed) {
    Random r = new Random(seed);
    List<Row> list = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      int label = i % 2;
      double centre = label == 0 ? -1 : 1;
      list.add(RowFactory.create(centre + 0.7 * r.nextGaussian(), centre + 0.7 * r.nextGaussian(),
          r.nextGaussian(), (double) label));
    }
    StructType schema = new StructType().add("a", DataTypes.DoubleType)
        .add("b", DataTypes.DoubleType).add("c", DataTypes.DoubleType)
        .add("label", DataTypes.DoubleType);
    return new VectorAssembler().setInputCols(new String[] {"a", "b", "c"})
        .setOutputCol("features").transform(spark.createDataFrame(list, schema));
  }

  @Test
  void historyPlotHasTheRequestedSizeAndEveryCurve() throws IOException {
    assertEquals(6, model.history().size());
    assertEquals(List.of("loss", "accuracy", "learning_rate"),
        HistoryPlot.of(model.history()).panels());
    Path png = dir.resolve("history.png");
    model.plotHistory(png.toString(), 900, 640);
    BufferedImage img = read(png);
    assertEquals(900, img.getWidth());
    assertEquals(640, img.getHeight());
    assertTrue(distinctColours(img) > 50, "distinct colours " + distinctColours(img));
    assertTrue(count(img, BLUE) > 100, "train curve pixels " + count(img, BLUE));
    assertTrue(count(img, ORANGE) > 100, "validation curve pixels " + count(img, ORANGE));
    assertTrue(count(img, GREEN) > 50, "learning-rate curve pixels " + count(img, GREEN));

    // the default: 800 wide, 300 per row of two panels (three panels: two rows)
    Path byDefault = dir.resolve("default.png");
    model.plotHistory(byDefault.toString());
    BufferedImage d = read(byDefault);
    assertEquals(800, d.getWidth());
    assertEquals(600, d.getHeight());
    Files.copy(png, Path.of("target", "plots-test-history.png"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void aLoadedModelPlotsItsSavedHistory() throws IOException {
    String saved = dir.resolve("model").toString();
    model.write().save(saved);
    NeuralNetClassificationModel loaded = NeuralNetClassificationModel.load(saved);
    Path png = dir.resolve("loaded.png");
    loaded.plotHistory(png.toString(), 600, 500);
    BufferedImage img = read(png);
    assertEquals(600, img.getWidth());
    assertEquals(500, img.getHeight());
    assertTrue(count(img, ORANGE) > 50);
  }

  @Test
  void decisionBoundaryShadesBothClassesUnderThePoints() throws IOException {
    Path png = dir.resolve("boundary.png");
    model.plotDecisionBoundary(blobs, 0, 1, png.toString());
    BufferedImage img = read(png);
    assertEquals(DecisionBoundaryPlot.DEFAULT_WIDTH, img.getWidth());
    assertEquals(DecisionBoundaryPlot.DEFAULT_HEIGHT, img.getHeight());
    assertTrue(distinctColours(img) > 50, "distinct colours " + distinctColours(img));
    // the grid's light class colours fill most of the plot area, each a good share of it
    long light0 = count(img, lighter(BLUE));
    long light1 = count(img, lighter(ORANGE));
    long area = (long) img.getWidth() * img.getHeight();
    assertTrue(light0 > area / 10 && light1 > area / 10, light0 + " and " + light1 + " of " + area);
    // the points on top in their full colours
    assertTrue(count(img, BLUE) > 200, "class 0 points " + count(img, BLUE));
    assertTrue(count(img, ORANGE) > 200, "class 1 points " + count(img, ORANGE));
    // the blobs lie along the diagonal: the lower left is class 0, the upper right class 1
    assertEquals(lighter(BLUE).getRGB(), pixelAtFraction(img, 0.16, 0.82));
    assertEquals(lighter(ORANGE).getRGB(), pixelAtFraction(img, 0.92, 0.12));
    Files.copy(png, Path.of("target", "plots-test-boundary.png"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    // by name (the assembler's input columns), at a chosen size, over the noise feature
    Path named = dir.resolve("named.png");
    model.plotDecisionBoundary(blobs, "c", "b", named.toString(), 420, 360);
    BufferedImage n = read(named);
    assertEquals(420, n.getWidth());
    assertEquals(360, n.getHeight());
    assertTrue(count(n, lighter(BLUE)) > 1000 && count(n, lighter(ORANGE)) > 1000);
  }

  @Test
  void theGridIsScoredAsTransformPredicts() {
    // a plot-level classifier that records what the model predicts at the grid points; the
    // same points through transform() must give the same classes
    double[] range = DecisionBoundaryPlot.of(new double[] {-3, 3}, new double[] {-3, 3},
        new int[] {0, 1}).withPadding(0).range();
    assertEquals(-3, range[0], 0);
    assertEquals(3, range[3], 0);
    double[] mean = {0, 0, 0};
    List<Row> rows = blobs.select("features").collectAsList();
    for (Row r : rows) {
      double[] f = r.<org.apache.spark.ml.linalg.Vector>getAs(0).toArray();
      for (int j = 0; j < 3; j++) {
        mean[j] += f[j] / rows.size();
      }
    }
    float[] in = new float[3 * 3];
    double[][] pts = {{-2, -2}, {0.1, 0.3}, {2, 2}};
    for (int i = 0; i < 3; i++) {
      in[i * 3] = (float) pts[i][0];
      in[i * 3 + 1] = (float) pts[i][1];
      in[i * 3 + 2] = (float) mean[2];
    }
    float[] out = Scoring.predictBatch(model.state(), in, 3);
    for (int i = 0; i < 3; i++) {
      double[] p = model.predictProbability(org.apache.spark.ml.linalg.Vectors.dense(
          pts[i][0], pts[i][1], (float) mean[2])).toArray();
      assertEquals(p[1], out[i * 2 + 1], 1e-5, "point " + i);
    }
  }

  @Test
  void refusalsSayWhatWasWrong() {
    String png = dir.resolve("x.png").toString();
    IllegalArgumentException index = assertThrows(IllegalArgumentException.class,
        () -> model.plotDecisionBoundary(blobs, 0, 5, png));
    assertTrue(index.getMessage().contains("yFeature 5 is not a feature index: the model has 3"
        + " features, indices 0 to 2"), index.getMessage());
    IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
        () -> model.plotDecisionBoundary(blobs, 1, 1, png));
    assertTrue(same.getMessage().contains("choose two different features"), same.getMessage());
    IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
        () -> model.plotDecisionBoundary(blobs, "a", "z", png));
    assertTrue(name.getMessage().contains("No feature named \"z\"")
        && name.getMessage().contains("Its features: a, b, c."), name.getMessage());
    IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
        () -> model.plotHistory(png, 0, 300));
    assertTrue(size.getMessage().contains("width must be between 150 and 10000 pixels;"
        + " received 0"), size.getMessage());
    assertThrows(IllegalArgumentException.class, () -> model.plotHistory(png, 800, 20000));
    IllegalArgumentException noLabel = assertThrows(IllegalArgumentException.class,
        () -> model.plotDecisionBoundary(blobs.drop("label"), 0, 1, png));
    assertTrue(noLabel.getMessage().contains("label column 'label' does not exist"),
        noLabel.getMessage());

    ModelState s = model.state();
    NeuralNetClassificationModel empty = new NeuralNetClassificationModel("empty",
        new ModelState(s.id(), s.contract(), s.weights(), s.optimizer(), new History(),
            s.rounds(), s.numFeatures(), s.trainRows(), s.validationRows(),
            s.conversionSeconds(), s.trainSeconds()));
    IllegalStateException noHistory = assertThrows(IllegalStateException.class,
        () -> empty.plotHistory(png));
    assertTrue(noHistory.getMessage().contains("no training history (0 epochs)"),
        noHistory.getMessage());
    assertTrue(Files.notExists(Path.of(png)), "no file written by a refused plot");
  }

  @Test
  void thePlotsDrawWithoutSpark() {
    // the plot package on its own: a hand-made history with a metric missing in one epoch,
    // and a boundary from a lambda
    History h = new History();
    h.add(new History.Epoch(1, 1, Map.of("loss", 0.9, "val_loss", 1.0, "mae", 0.5,
        "learning_rate", 0.01)));
    h.add(new History.Epoch(2, 1, Map.of("loss", 0.5, "val_loss", 0.7, "mae", 0.3,
        "val_mae", 0.4, "learning_rate", 0.005)));
    HistoryPlot plot = HistoryPlot.of(h);
    assertEquals(List.of("loss", "mae", "learning_rate"), plot.panels());
    History constant = new History();
    constant.add(new History.Epoch(1, 1, Map.of("loss", 0.9, "learning_rate", 0.01)));
    constant.add(new History.Epoch(2, 1, Map.of("loss", 0.5, "learning_rate", 0.01)));
    assertEquals(List.of("loss"), HistoryPlot.of(constant).panels(), "a constant rate: no panel");
    BufferedImage img = plot.withSize(500, 400).render();
    assertEquals(500, img.getWidth());
    assertTrue(count(img, BLUE) > 20 && count(img, ORANGE) > 20 && count(img, GREEN) > 10);

    double[] x = {0, 1, 2, 3};
    double[] y = {0, 3, 1, 2};
    BufferedImage b = DecisionBoundaryPlot.of(x, y, new int[] {0, 1, 0, 2})
        .withFeatureNames("u", "v").withClassNames(List.of("low", "mid", "high"))
        .withGrid(50).render(points -> {
          int[] c = new int[points.length];
          for (int i = 0; i < c.length; i++) {
            c[i] = points[i][1] < 1 ? 0 : points[i][1] < 2 ? 1 : 2;
          }
          return c;
        });
    assertTrue(count(b, lighter(BLUE)) > 1000 && count(b, lighter(ORANGE)) > 1000
        && count(b, lighter(GREEN)) > 1000);
    IllegalArgumentException lengths = assertThrows(IllegalArgumentException.class,
        () -> DecisionBoundaryPlot.of(x, new double[] {1}, new int[] {0, 1, 0, 2}));
    assertTrue(lengths.getMessage().contains("received 4, 1 and 4 values"), lengths.getMessage());
    assertThrows(IllegalArgumentException.class, () -> HistoryPlot.of(new History()));
  }

  static BufferedImage read(Path png) throws IOException {
    BufferedImage img = ImageIO.read(png.toFile());
    assertTrue(img != null, "not a PNG: " + png);
    return img;
  }

  /** @return the colour a plot fills class regions with (see plot.Charts#lighter, 0.72) */
  static Color lighter(Color c) {
    return new Color(blend(c.getRed()), blend(c.getGreen()), blend(c.getBlue()));
  }

  private static int blend(int v) {
    return (int) Math.round(v + (255 - v) * 0.72);
  }

  static int distinctColours(BufferedImage img) {
    Set<Integer> seen = new HashSet<>();
    for (int yy = 0; yy < img.getHeight(); yy++) {
      for (int xx = 0; xx < img.getWidth(); xx++) {
        seen.add(img.getRGB(xx, yy));
      }
    }
    return seen.size();
  }

  /** @return pixels within 12 of {@code c} in every channel */
  static long count(BufferedImage img, Color c) {
    long n = 0;
    for (int yy = 0; yy < img.getHeight(); yy++) {
      for (int xx = 0; xx < img.getWidth(); xx++) {
        Color p = new Color(img.getRGB(xx, yy));
        if (Math.abs(p.getRed() - c.getRed()) <= 12 && Math.abs(p.getGreen() - c.getGreen()) <= 12
            && Math.abs(p.getBlue() - c.getBlue()) <= 12) {
          n++;
        }
      }
    }
    return n;
  }

  private static int pixelAtFraction(BufferedImage img, double fx, double fy) {
    return img.getRGB((int) (img.getWidth() * fx), (int) (img.getHeight() * fy)) | 0xff000000;
  }
}
