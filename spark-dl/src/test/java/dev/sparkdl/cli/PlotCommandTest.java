package dev.sparkdl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkdl.ml.NeuralNetClassifier;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.TestSpark;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spark-dl plot}: the history and the decision boundary of a pipeline saved as train
 * saves it (assembler, label indexer, network), and its exit codes.
 */
class PlotCommandTest {
  @TempDir static Path dir;
  private static String model;
  private static String csv;

  @BeforeAll
  static void saveAModel() throws IOException {
    SparkSession spark = TestSpark.session();
    StringBuilder s = new StringBuilder("x1,x2,x3,kind\n");
    Random r = new Random(11);
    for (int i = 0; i < 200; i++) {
      boolean forged = i % 2 == 1;
      double c = forged ? 1 : -1;
      s.append(c + 0.6 * r.nextGaussian()).append(',').append(-c + 0.6 * r.nextGaussian())
          .append(',').append(r.nextGaussian()).append(',').append(forged ? "forged" : "genuine")
          .append('\n');
    }
    Path file = dir.resolve("notes.csv");
    Files.writeString(file, s);
    csv = file.toString();
    Dataset<Row> data = spark.read().option("header", "true").option("inferSchema", "true")
        .csv(csv);
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {
      new VectorAssembler().setInputCols(new String[] {"x1", "x2", "x3"})
          .setOutputCol(TrainCommand.FEATURES),
      new StringIndexer().setInputCol("kind").setOutputCol(TrainCommand.INDEXED_LABEL),
      new NeuralNetClassifier().setFeaturesCol(TrainCommand.FEATURES)
          .setLabelCol(TrainCommand.INDEXED_LABEL)
          .setLayers(Sequential.of(Dense.units(6).activation("tanh"),
              Dense.units(2).activation("softmax")))
          .setOptimizer("adam").setLearningRate(0.05).setMetrics("accuracy")
          .setValidationSplit(0.2).setEpochs(5).setBatchSize(16).setNumWorkers(1).setSeed(2)
          .setVerbose(0)
    }).fit(data);
    model = dir.resolve("model").toString();
    fitted.write().save(model);
  }

  @Test
  void plotsTheHistoryAndTheBoundary() throws IOException {
    Path history = dir.resolve("history.png");
    Object[] run = CommandLineTest.run("plot", "--model", model, "--out", history.toString());
    assertEquals(0, run[0], run[2].toString());
    JsonNode r = CommandLineTest.result(run);
    assertEquals("history", r.path("kind").asText());
    assertEquals(5, r.path("epochs").asInt());
    BufferedImage h = ImageIO.read(history.toFile());
    assertEquals(800, h.getWidth());
    assertEquals(300, h.getHeight(), "one row: loss and accuracy (a constant rate is not drawn)");

    Path boundary = dir.resolve("boundary.png");
    run = CommandLineTest.run("plot", "--model", model, "--out", boundary.toString(),
        "--boundary", "--input", csv, "--features", "x1,x2", "--width", "500", "--height", "420");
    assertEquals(0, run[0], run[2].toString());
    BufferedImage b = ImageIO.read(boundary.toFile());
    assertEquals(500, b.getWidth());
    assertEquals(420, b.getHeight());
    assertTrue(PlotsTestColours.bothClassRegions(b), "both class regions drawn");
    Files.copy(boundary, Path.of("target", "plot-command-boundary.png"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    // indices work as well as names, and --overwrite replaces the file
    run = CommandLineTest.run("plot", "--model", model, "--out", boundary.toString(),
        "--boundary", "--data", csv, "--features", "0,2", "--overwrite");
    assertEquals(0, run[0], run[2].toString());
    assertEquals(700, ImageIO.read(boundary.toFile()).getWidth());
  }

  @Test
  void badCommandLinesExitWithTwo() {
    String out = dir.resolve("bad.png").toString();
    Object[] run = CommandLineTest.run("plot", "--model", model, "--out", out, "--boundary",
        "--input", csv, "--features", "0,7");
    assertEquals(2, run[0]);
    assertTrue(run[2].toString().contains("yFeature 7 is not a feature index: the model has 3"
        + " features"), run[2].toString());

    run = CommandLineTest.run("plot", "--model", model, "--out", out, "--boundary",
        "--input", csv, "--features", "x1,x9");
    assertEquals(2, run[0]);
    assertTrue(run[2].toString().contains("Its features: x1, x2, x3."), run[2].toString());

    run = CommandLineTest.run("plot", "--model", model, "--out", out, "--boundary");
    assertEquals(2, run[0]);
    assertTrue(run[2].toString().contains("--boundary needs --input DATA"), run[2].toString());

    run = CommandLineTest.run("plot", "--model", model, "--out", out, "--width", "10",
        "--height", "300");
    assertEquals(2, run[0]);
    assertTrue(run[2].toString().contains("width must be between 150 and 10000 pixels"),
        run[2].toString());

    run = CommandLineTest.run("plot", "--model", model, "--out", out, "--width", "400");
    assertEquals(2, run[0]);
    assertTrue(run[2].toString().contains("Give both --width and --height"), run[2].toString());
    assertTrue(Files.notExists(Path.of(out)));

    String existing = dir.resolve("existing.png").toString();
    assertEquals(0, CommandLineTest.run("plot", "--model", model, "--out", existing)[0]);
    run = CommandLineTest.run("plot", "--model", model, "--out", existing);
    assertEquals(2, run[0]);
    assertTrue(run[2].toString().contains("already exists. Choose another path or add"
        + " --overwrite"), run[2].toString());
  }

  /** The class-region colours of the plots (light tab:blue and tab:orange). */
  static final class PlotsTestColours {
    static boolean bothClassRegions(BufferedImage img) {
      int blue = 0;
      int orange = 0;
      int lightBlue = light(0x1f, 0x77, 0xb4);
      int lightOrange = light(0xff, 0x7f, 0x0e);
      for (int y = 0; y < img.getHeight(); y++) {
        for (int x = 0; x < img.getWidth(); x++) {
          int p = img.getRGB(x, y) & 0xffffff;
          blue += p == lightBlue ? 1 : 0;
          orange += p == lightOrange ? 1 : 0;
        }
      }
      return blue > 1000 && orange > 1000;
    }

    private static int light(int r, int g, int b) {
      return (blend(r) << 16) | (blend(g) << 8) | blend(b);
    }

    private static int blend(int v) {
      return (int) Math.round(v + (255 - v) * 0.72);
    }
  }
}
