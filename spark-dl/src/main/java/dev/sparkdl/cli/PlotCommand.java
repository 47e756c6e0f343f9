package dev.sparkdl.cli;

import dev.sparkdl.ml.NeuralNetClassificationModel;
import dev.sparkdl.ml.NeuralNetModel;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code plot --model PATH --out FILE.png}: the training history of a saved model as a PNG, or
 * with {@code --boundary --input DATA --features I,J} a classifier's decision boundary over two
 * features. Prints {@code RESULT {json}}.
 */
@Command(name = "plot", mixinStandardHelpOptions = true,
    description = {"Draw a saved model's training history (one panel per metric, train and"
        + " validation by epoch) as a PNG,",
        "or with --boundary a classifier's decision boundary over two features (the other"
            + " features held at their mean over the input rows)."})
final class PlotCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "a model saved by train")
  String model;

  @Option(names = "--out", required = true,
      description = "the PNG to write (local path or any Hadoop file system URI)")
  String out;

  @Option(names = "--width", description = "image width in pixels (default: 800 for the"
      + " history, 700 for a boundary)")
  Integer width;

  @Option(names = "--height", description = "image height in pixels (default: 300 per row of"
      + " two history panels, 600 for a boundary)")
  Integer height;

  @Option(names = "--boundary",
      description = "plot the decision boundary of a classifier instead of the history")
  boolean boundary;

  @Option(names = {"--input", "--data"},
      description = "with --boundary: the rows to draw, with their labels")
  String input;

  @Option(names = "--format", description = "input format: csv, parquet, json, libsvm"
      + " (default: from the file name)")
  String format;

  @Option(names = "--option", description = "reader option key=value (repeatable)")
  Map<String, String> options = new LinkedHashMap<>();

  @Option(names = "--features", split = ",", description = "with --boundary: the two features"
      + " to plot, as indices into the feature vector (0,1) or feature column names"
      + " (variance,skewness)")
  List<String> features;

  @Option(names = "--overwrite", description = "replace an existing output file")
  boolean overwrite;

  @Override
  public Integer call() throws IOException {
    checkOptions();
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true"); // draw without a display
    }
    SparkSession spark = Cli.session("plot");
    Path target = new Path(out);
    if (!overwrite && target.getFileSystem(spark.sparkContext().hadoopConfiguration())
        .exists(target)) {
      throw new JobFileException("--out " + out + " already exists. Choose another path or add"
          + " --overwrite.");
    }
    PipelineModel fitted = Cli.loadModel(spark, model);
    NeuralNetModel nn = Cli.network(fitted, model);
    long t0 = System.nanoTime();
    try {
      if (boundary) {
        boundary(spark, fitted, nn);
      } else if (nn.history().size() == 0) {
        throw new JobFileException(model + " has no training history (0 epochs): nothing to"
            + " plot.");
      } else if (width != null) {
        nn.plotHistory(out, width, height);
      } else {
        nn.plotHistory(out);
      }
    } catch (IllegalArgumentException e) {
      throw new JobFileException(e.getMessage());
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("command", "plot");
    r.put("kind", boundary ? "boundary" : "history");
    r.put("model", model);
    r.put("output", out);
    r.put("epochs", nn.history().size());
    r.put("seconds", TestSetMetrics.round((System.nanoTime() - t0) / 1e9));
    Cli.result(r);
    return 0;
  }

  private void checkOptions() {
    if ((width == null) != (height == null)) {
      throw new JobFileException("Give both --width and --height, or neither.");
    }
    if (boundary) {
      if (input == null) {
        throw new JobFileException("--boundary needs --input DATA: the rows to draw, with their"
            + " labels.");
      }
      if (features == null || features.size() != 2) {
        throw new JobFileException("--boundary needs --features with two features, as indices"
            + " (--features 0,1) or names (--features variance,skewness); got "
            + (features == null ? "none" : String.join(",", features)) + ".");
      }
    } else if (input != null || features != null) {
      throw new JobFileException("--input and --features are for --boundary; the history plot"
          + " needs only --model and --out.");
    }
  }

  private void boundary(SparkSession spark, PipelineModel fitted, NeuralNetModel nn) {
    if (!(nn instanceof NeuralNetClassificationModel classifier)) {
      throw new JobFileException(model + " is a regression model: a decision boundary needs a"
          + " classifier.");
    }
    Dataset<Row> rows = Cli.read(spark, JobFile.dataSource(input, format, options, "--input"),
        "--input", false);
    Dataset<Row> prepared = rows;
    // the stages before the network (assembler, label indexer) make its features and label
    for (Transformer t : fitted.stages()) {
      if (t == nn) {
        break;
      }
      if (t instanceof StringIndexerModel s
          && !java.util.Arrays.asList(prepared.columns()).contains(s.getInputCol())) {
        throw new JobFileException("--input has no label column \"" + s.getInputCol()
            + "\": the boundary plot colours each row by its label.");
      }
      prepared = t.transform(prepared);
    }
    Cli.requireColumns(prepared, List.of(classifier.getLabelCol()), "--input");
    int w = width == null ? dev.sparkdl.plot.DecisionBoundaryPlot.DEFAULT_WIDTH : width;
    int h = height == null ? dev.sparkdl.plot.DecisionBoundaryPlot.DEFAULT_HEIGHT : height;
    Integer i = index(features.get(0));
    Integer j = index(features.get(1));
    if (i != null && j != null) {
      classifier.plotDecisionBoundary(prepared, i, j, out, w, h);
    } else {
      classifier.plotDecisionBoundary(prepared, features.get(0).strip(), features.get(1).strip(),
          out, w, h);
    }
  }

  private static Integer index(String feature) {
    try {
      return Integer.valueOf(feature.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
