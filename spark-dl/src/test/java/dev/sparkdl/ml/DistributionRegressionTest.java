package dev.sparkdl.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.RandomDraws;
import dev.sparkdl.testing.TestSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The regressor's distributions on data whose distribution is known: a heteroscedastic normal
 * and a Poisson with a log-linear rate.
 */
class DistributionRegressionTest {
  private static final StructType SCHEMA = new StructType()
      .add("features", SQLDataTypes.VectorType()).add("label", DataTypes.DoubleType)
      .add("truth", DataTypes.DoubleType);
  private final SparkSession spark = TestSpark.session();

  /** y = x + ε, ε ~ N(0, (0.1 + 0.5 |x|)²), x ~ U(−2, 2); truth is the true σ. */
  private Dataset<Row> heteroscedastic(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x = r.nextDouble(-2, 2);
      double sigma = 0.1 + 0.5 * Math.abs(x);
      rows.add(RowFactory.create(Vectors.dense(x), x + sigma * RandomDraws.gaussian(r), sigma));
    }
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** y ~ Poisson(exp(0.5 + 0.8 x)), x ~ U(−2, 2); truth is the true log rate. */
  private Dataset<Row> poisson(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x = r.nextDouble(-2, 2);
      double logRate = 0.5 + 0.8 * x;
      rows.add(RowFactory.create(Vectors.dense(x), (double) RandomDraws.poisson(r, Math.exp(logRate)),
          logRate));
    }
    return spark.createDataFrame(rows, SCHEMA);
  }

  private static NeuralNetRegressor normalRegressor() {
    return new NeuralNetRegressor().setDistribution("normal")
        .setLayers(Sequential.of(Dense.units(32).activation("relu"),
            Dense.units(32).activation("relu"), Dense.units(2)))
        .setOptimizer("adam").setLearningRate(0.01).setEpochs(40).setBatchSize(64)
        .setNumWorkers(2).setSeed(7).setVerbose(0);
  }

  @Test
  void normalHeadCoversNinetyFivePercentAndTracksTheTrueSigma() {
    NeuralNetRegressionModel model = normalRegressor().fit(heteroscedastic(4000, 1).cache());
    List<Row> out = model.transform(heteroscedastic(2000, 2))
        .select("label", "truth", "prediction", "stddev", "lower", "upper").collectAsList();
    int covered = 0;
    double[] sd = new double[out.size()];
    double[] truth = new double[out.size()];
    for (int i = 0; i < out.size(); i++) {
      Row row = out.get(i);
      double y = row.getDouble(0);
      covered += row.getDouble(4) <= y && y <= row.getDouble(5) ? 1 : 0;
      truth[i] = row.getDouble(1);
      sd[i] = row.getDouble(3);
      assertEquals(row.getDouble(2), (row.getDouble(4) + row.getDouble(5)) / 2, 1e-9);
    }
    double coverage = (double) covered / out.size();
    double corr = correlation(sd, truth);
    System.out.printf("normal: held-out 95%% coverage %.4f, corr(sigma) %.4f%n", coverage, corr);
    assertTrue(coverage >= 0.93 && coverage <= 0.97, "coverage " + coverage);
    assertTrue(corr > 0.9, "correlation of predicted and true sigma " + corr);
    assertTrue(model.history().keys().contains("mse"));
  }

  @Test
  void poissonHeadRecoversTheLogRate() {
    NeuralNetRegressionModel model = new NeuralNetRegressor().setDistribution("poisson")
        .setLayers(Sequential.of(Dense.units(1))).setOptimizer("adam").setLearningRate(0.05)
        .setEpochs(30).setBatchSize(64).setNumWorkers(2).setSeed(8).setVerbose(0)
        .fit(poisson(4000, 3).cache());
    List<Row> out = model.transform(poisson(2000, 4))
        .select("truth", "prediction", "lower", "upper").collectAsList();
    double mae = 0;
    for (Row row : out) {
      mae += Math.abs(Math.log(row.getDouble(1)) - row.getDouble(0));
      assertTrue(row.getDouble(2) <= row.getDouble(1) && row.getDouble(1) <= row.getDouble(3));
      assertEquals(Math.rint(row.getDouble(2)), row.getDouble(2)); // Poisson quantiles: counts
    }
    mae /= out.size();
    System.out.printf("poisson: held-out MAE of the log rate %.4f%n", mae);
    assertTrue(mae < 0.1, "MAE of the log rate " + mae);
    assertEquals(List.of("features", "label", "truth", "prediction", "stddev", "lower", "upper",
            "parameters"),
        List.of(model.transformSchema(poisson(1, 5).schema()).fieldNames()));
    Row one = model.transform(poisson(1, 5)).select("prediction", "stddev", "parameters").first();
    assertEquals(Math.sqrt(one.getDouble(0)), one.getDouble(1), 1e-9); // Poisson: sd = √rate
    assertEquals(one.getDouble(0), ((org.apache.spark.ml.linalg.Vector) one.get(2)).apply(0),
        1e-9);
  }

  @Test
  void refusalsNameTheDistributionAndTheFix() {
    Dataset<Row> data = heteroscedastic(50, 9);
    IllegalArgumentException units = assertThrows(IllegalArgumentException.class,
        () -> new NeuralNetRegressor().setDistribution("normal")
            .setLayers(Sequential.of(Dense.units(1))).fit(data));
    assertEquals("Distribution 'normal' needs 2 output units (the mean and the standard"
        + " deviation before softplus), but the last Dense layer has 1. End the network with"
        + " Dense(2).", units.getMessage());
    IllegalArgumentException poissonUnits = assertThrows(IllegalArgumentException.class,
        () -> new NeuralNetRegressor().setDistribution("poisson")
            .setLayers(Sequential.of(Dense.units(2))).fit(data));
    assertTrue(poissonUnits.getMessage().startsWith("Distribution 'poisson' needs 1 output unit"
        + " (the log rate), but the last Dense layer has 2."), poissonUnits.getMessage());
    IllegalArgumentException act = assertThrows(IllegalArgumentException.class,
        () -> new NeuralNetRegressor().setDistribution("poisson")
            .setLayers(Sequential.of(Dense.units(1).activation("relu"))).fit(data));
    assertTrue(act.getMessage().contains("linear outputs"), act.getMessage());
    IllegalArgumentException loss = assertThrows(IllegalArgumentException.class,
        () -> normalRegressor().setLoss("mse").fit(data));
    assertTrue(loss.getMessage().contains("setLoss(\"nll\")"), loss.getMessage());
    IllegalArgumentException nll = assertThrows(IllegalArgumentException.class,
        () -> new NeuralNetRegressor().setLoss("nll")
            .setLayers(Sequential.of(Dense.units(1))).fit(data));
    assertTrue(nll.getMessage().contains("normal_fixed"), nll.getMessage());
    IllegalArgumentException classifier = assertThrows(IllegalArgumentException.class,
        () -> new NeuralNetClassifier().setLoss("nll")
            .setLayers(Sequential.of(Dense.units(2).activation("softmax"))).fit(data));
    assertTrue(classifier.getMessage().contains("cross-entropy"), classifier.getMessage());
    IllegalArgumentException counts = assertThrows(IllegalArgumentException.class,
        () -> new NeuralNetRegressor().setDistribution("poisson")
            .setLayers(Sequential.of(Dense.units(1))).fit(data));
    assertTrue(counts.getMessage().contains("Column label must hold finite numbers >= 0 (counts,"
        + " for distribution poisson), but "), counts.getMessage());
  }

  @Test
  void saveAndLoadKeepTheDistributionAndItsColumns(@TempDir Path dir) throws Exception {
    NeuralNetRegressionModel model = normalRegressor().setEpochs(2).setIntervalLevel(0.8)
        .setStddevCol("sd").fit(heteroscedastic(400, 10));
    String path = dir.resolve("normal").toString();
    model.write().save(path);
    NeuralNetRegressionModel loaded = NeuralNetRegressionModel.load(path);
    assertEquals("normal", loaded.getDistribution());
    assertEquals(0.8, loaded.getIntervalLevel());
    Dataset<Row> test = heteroscedastic(100, 11);
    String[] cols = {"prediction", "sd", "lower", "upper"};
    List<Row> a = model.transform(test).select("prediction", "sd", "lower", "upper").collectAsList();
    List<Row> b = loaded.transform(test).select("prediction", "sd", "lower", "upper").collectAsList();
    for (int i = 0; i < a.size(); i++) {
      for (int j = 0; j < cols.length; j++) {
        assertEquals(a.get(i).getDouble(j), b.get(i).getDouble(j), 0.0, cols[j]);
      }
    }
    assertEquals(a.get(0).getDouble(0),
        loaded.predict(test.first().getAs("features")), 1e-5);
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> model.exportOnnx(dir.resolve("m.onnx").toString()));
    assertTrue(e.getMessage().contains("distribution 'normal'"), e.getMessage());
    org.junit.jupiter.api.Assertions.assertFalse(java.nio.file.Files.exists(dir.resolve("m.onnx")));
  }

  @Test
  void schemaListsTheDistributionsColumns() {
    StructType in = new StructType().add("features", SQLDataTypes.VectorType())
        .add("label", DataTypes.DoubleType);
    assertEquals(
        List.of("features", "label", "prediction", "stddev", "lower", "upper", "parameters"),
        List.of(normalRegressor().transformSchema(in).fieldNames()));
    assertEquals(List.of("features", "label", "prediction", "upper"),
        List.of(normalRegressor().setStddevCol("").setLowerCol("").setParametersCol("")
            .transformSchema(in).fieldNames()));
    assertEquals(List.of("features", "label", "prediction", "stddev", "lower", "upper",
            "parameters", "q"),
        List.of(normalRegressor().setQuantiles(0.1, 0.5, 0.9).setQuantilesCol("q")
            .transformSchema(in).fieldNames()));
    assertEquals(List.of("features", "label", "prediction"),
        List.of(new NeuralNetRegressor().setLayers(Sequential.of(Dense.units(1)))
            .transformSchema(in).fieldNames()));
    assertThrows(IllegalArgumentException.class,
        () -> new NeuralNetRegressor().setIntervalLevel(1.0));
    assertThrows(IllegalArgumentException.class,
        () -> new NeuralNetRegressor().setDistribution("gamma"));
  }

  private static double correlation(double[] a, double[] b) {
    double ma = 0;
    double mb = 0;
    for (int i = 0; i < a.length; i++) {
      ma += a[i] / a.length;
      mb += b[i] / b.length;
    }
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / Math.sqrt(saa * sbb);
  }
}
