package dev.sparkdl.examples;

import dev.sparkdl.engine.OutputDistribution;
import dev.sparkdl.ml.DistributionEvaluator;
import dev.sparkdl.ml.NeuralNetRegressor;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Sequential;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.regression.GeneralizedLinearRegression;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Count regression on two of R's data sets: {@code warpbreaks} (breaks per loom by wool and
 * tension) and {@code InsectSprays} (insects per plot by spray). Three models see the same
 * input vector, the factors in reference coding (one indicator per level but the first, as R's
 * {@code glm} and Spark's {@code OneHotEncoder} with dropLast build it):
 *
 * <ul>
 *   <li>a network with a {@code poisson} head (log link: its output is the log rate),
 *   <li>the same network with a {@code negative_binomial} head (log mean and dispersion),
 *   <li>Spark's {@code GeneralizedLinearRegression}, family poisson, link log.
 * </ul>
 *
 * The sets have 54 and 72 rows, so one random split would say more about the split than about
 * the models. The held-out figures come from repeated K-fold cross-validation: every model sees
 * the same folds (the same seeds), and the mean Poisson deviance and the mean negative
 * log-likelihood are pooled over every held-out row of every fold and repeat. The network's
 * settings are fixed beforehand (not tuned on the folds).
 */
@Command(name = "counts", mixinStandardHelpOptions = true,
    description = "Poisson and negative binomial networks vs Spark's Poisson GLM on R's"
        + " warpbreaks and InsectSprays, repeated K-fold held-out deviance and NLL.")
final class Counts implements Callable<Integer> {
  @Option(names = "--data", required = true,
      description = "the shared data folder (../shared/data) holding r-warpbreaks/warpbreaks.csv"
          + " and r-insectsprays/InsectSprays.csv")
  File data;

  @Option(names = "--folds", description = "K of the K-fold (default: ${DEFAULT-VALUE})")
  int folds = 5;

  @Option(names = "--repeats", description = "K-fold repetitions, each with its own shuffle"
      + " (default: ${DEFAULT-VALUE})")
  int repeats = 3;

  @Option(names = "--epochs", description = "network epochs (default: ${DEFAULT-VALUE})")
  int epochs = 300;

  @Option(names = "--learning-rate", description = "Adam's learning rate (default: ${DEFAULT-VALUE})")
  double learningRate = 0.02;

  @Option(names = "--hidden", description = "units of the hidden ReLU layer, 0 for none (a"
      + " log-linear model like the GLM) (default: ${DEFAULT-VALUE})")
  int hidden = 16;

  @Option(names = "--seed", description = "seed of the folds and of the networks (default: ${DEFAULT-VALUE})")
  long seed = 14;

  @Option(names = "--workers", description = "partitions trained in parallel; 1 suits these"
      + " tiny sets (default: ${DEFAULT-VALUE})")
  int workers = 1;

  @Option(names = "--models", split = ",", description = "the models to compare, of"
      + " poisson_net, negative_binomial_net, glm_poisson (default: ${DEFAULT-VALUE})")
  List<String> models = MODELS;

  @Option(names = "--master", description = "Spark master (default: ${DEFAULT-VALUE})")
  String master = "local[2]";

  /** The RESULT line's figures, for the tests. */
  Map<String, Object> result;

  /** A count data set: the label and the factors' columns in the CSV. */
  record CountSet(String name, String file, String label, List<String> factors) {}

  static final List<CountSet> SETS = List.of(
      new CountSet("warpbreaks", "r-warpbreaks/warpbreaks.csv", "breaks", List.of("wool", "tension")),
      new CountSet("insectsprays", "r-insectsprays/InsectSprays.csv", "count", List.of("spray")));

  static final List<String> MODELS = List.of("poisson_net", "negative_binomial_net", "glm_poisson");

  @Override
  public Integer call() throws IOException {
    if (!models.contains("glm_poisson") || !MODELS.containsAll(models)) {
      System.err.println("--models must include glm_poisson (the baseline of the ratios) and"
          + " name only " + MODELS + "; received " + models + ".");
      return 2;
    }
    for (CountSet set : SETS) {
      if (!Files.isRegularFile(data.toPath().resolve(set.file()))) {
        System.err.println("No file " + data.toPath().resolve(set.file()) + ": pass the shared data"
            + " folder (../shared/data) with --data DIR.");
        return 2;
      }
    }
    SparkSession session = Support.spark(master, "spark-dl counts");
    try {
      Map<String, Object> ratios = new LinkedHashMap<>();
      Map<String, Object> figures = new LinkedHashMap<>();
      for (CountSet set : SETS) {
        Map<String, double[]> scores = crossValidate(session, set);
        for (String model : models) {
          double[] s = scores.get(model);
          Map<String, Object> line = new LinkedHashMap<>();
          line.put("dataset", set.name());
          line.put("model", model);
          line.put("heldout_rows", (long) s[2]);
          line.put("mean_poisson_deviance", Support.round(s[0] / s[2], 4));
          line.put("mean_nll", Support.round(s[1] / s[2], 4));
          line.put("folds", folds);
          line.put("repeats", repeats);
          Support.json(line);
          figures.put(set.name() + "_" + model + "_deviance", s[0] / s[2]);
          figures.put(set.name() + "_" + model + "_nll", s[1] / s[2]);
        }
        double glm = scores.get("glm_poisson")[0];
        for (String model : models) {
          if (!model.equals("glm_poisson")) {
            ratios.put(set.name() + "_" + model + "_over_glm",
                Support.round(scores.get(model)[0] / glm, 4));
          }
        }
      }
      Map<String, Object> r = new LinkedHashMap<>(ratios);
      if (models.contains("poisson_net")) {
        r.put("poisson_net_within_5_percent_of_glm_on_both", SETS.stream().allMatch(
            s -> (Double) ratios.get(s.name() + "_poisson_net_over_glm") <= 1.05));
      }
      r.put("folds", folds);
      r.put("repeats", repeats);
      r.put("epochs", epochs);
      r.put("hidden", hidden);
      Support.result(r);
      result = new LinkedHashMap<>(r);
      result.putAll(figures);
      return 0;
    } finally {
      session.stop();
    }
  }

  /**
   * @return per model {sum of held-out deviances, sum of held-out NLLs, held-out rows}, pooled
   *     over every fold of every repeat
   */
  private Map<String, double[]> crossValidate(SparkSession session, CountSet set)
      throws IOException {
    List<Row> rows = read(data.toPath().resolve(set.file()), set);
    int d = ((org.apache.spark.ml.linalg.Vector) rows.get(0).get(1)).size();
    System.out.printf("%s: %d rows, label %s, inputs %s in reference coding (%d columns);"
        + " %d-fold x %d%n", set.name(), rows.size(), set.label(), set.factors(), d, folds, repeats);
    Map<String, double[]> sums = new LinkedHashMap<>();
    models.forEach(m -> sums.put(m, new double[3]));
    DistributionEvaluator deviance = new DistributionEvaluator().setMetricName("poisson_deviance");
    DistributionEvaluator nll = new DistributionEvaluator().setMetricName("nll");
    long t0 = System.nanoTime();
    for (int rep = 0; rep < repeats; rep++) {
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        order.add(i);
      }
      Collections.shuffle(order, new Random(seed * 1000 + rep));
      for (int k = 0; k < folds; k++) {
        List<Row> train = new ArrayList<>();
        List<Row> test = new ArrayList<>();
        for (int pos = 0; pos < order.size(); pos++) {
          (pos % folds == k ? test : train).add(rows.get(order.get(pos)));
        }
        Dataset<Row> trainDf = session.createDataFrame(train, SCHEMA).cache();
        Dataset<Row> testDf = session.createDataFrame(test, SCHEMA).cache();
        long fitSeed = seed + 100L * rep + k;
        for (String model : models) {
          Dataset<Row> scored;
          double nllValue;
          if (model.equals("glm_poisson")) {
            scored = new GeneralizedLinearRegression().setFamily("poisson").setLink("log")
                .setMaxIter(50).fit(trainDf).transform(testDf).cache();
            nllValue = poissonNll(scored);
          } else {
            scored = network(model.equals("poisson_net") ? "poisson" : "negative_binomial",
                fitSeed).fit(trainDf).transform(testDf).cache();
            nllValue = nll.evaluate(scored);
          }
          double[] s = sums.get(model);
          s[0] += deviance.evaluate(scored) * test.size();
          s[1] += nllValue * test.size();
          s[2] += test.size();
          scored.unpersist();
        }
        trainDf.unpersist();
        testDf.unpersist();
      }
    }
    System.out.printf("%s: %d fits per model in %.1f s%n", set.name(), folds * repeats,
        (System.nanoTime() - t0) / 1e9);
    return sums;
  }

  /**
   * The network a user would start with for a count label: one hidden ReLU layer (which lets
   * the factors interact; {@code --hidden 0} leaves a log-linear model, the GLM's form), then the
   * head's linear units: 1 for poisson (the log rate), 2 for negative_binomial (the log mean and
   * the dispersion before softplus). The loss is the head's NLL, set by the distribution.
   */
  NeuralNetRegressor network(String distribution, long fitSeed) {
    int units = distribution.equals("poisson") ? 1 : 2;
    Sequential layers = hidden > 0
        ? Sequential.of(Dense.units(hidden).activation("relu"), Dense.units(units))
        : Sequential.of(Dense.units(units));
    return new NeuralNetRegressor().setDistribution(distribution).setLayers(layers)
        .setOptimizer("adam").setLearningRate(learningRate).setEpochs(epochs).setBatchSize(16)
        .setNumWorkers(workers).setSeed(fitSeed).setVerbose(0);
  }

  /** The GLM's held-out mean NLL: its predicted mean is a Poisson rate. */
  private static double poissonNll(Dataset<Row> scored) {
    OutputDistribution poisson = OutputDistribution.of("poisson", 1);
    List<Row> r = scored.select("label", "prediction").collectAsList();
    double sum = 0;
    for (Row row : r) {
      sum -= poisson.fromParameters(new double[] {row.getDouble(1)}).logDensity(row.getDouble(0));
    }
    return sum / r.size();
  }

  static final StructType SCHEMA = new StructType(new StructField[] {
    new StructField("label", DataTypes.DoubleType, false, Metadata.empty()),
    new StructField("features", SQLDataTypes.VectorType(), false, Metadata.empty())
  });

  /**
   * Rows (label, features): each factor in reference coding, its levels in order of first
   * appearance, the first level the reference (all indicators 0).
   */
  static List<Row> read(Path file, CountSet set) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<String> header = Arrays.asList(lines.get(0).replace("\"", "").split(","));
    int label = header.indexOf(set.label());
    int[] cols = set.factors().stream().mapToInt(header::indexOf).toArray();
    List<String[]> cells = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (!line.isBlank()) {
        cells.add(line.replace("\"", "").split(","));
      }
    }
    List<List<String>> levels = new ArrayList<>();
    int width = 0;
    for (int c : cols) {
      List<String> l = new ArrayList<>();
      cells.forEach(r -> {
        if (!l.contains(r[c])) {
          l.add(r[c]);
        }
      });
      levels.add(l);
      width += l.size() - 1;
    }
    List<Row> rows = new ArrayList<>();
    for (String[] r : cells) {
      double[] x = new double[width];
      int at = 0;
      for (int j = 0; j < cols.length; j++) {
        int level = levels.get(j).indexOf(r[cols[j]]);
        if (level > 0) {
          x[at + level - 1] = 1;
        }
        at += levels.get(j).size() - 1;
      }
      rows.add(RowFactory.create(Double.parseDouble(r[label]), Vectors.dense(x)));
    }
    return rows;
  }
}
