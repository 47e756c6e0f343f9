package dev.sparkdl.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Dropout;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.RandomDraws;
import dev.sparkdl.testing.TestSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The count and mixture distributions, quantiles, Monte Carlo dropout and the evaluator on
 * seeded data whose generating distribution is known; the regressor in a Pipeline and in
 * CrossValidator.
 */
class DistributionFamiliesTest {
  private static final StructType SCHEMA = new StructType()
      .add("features", SQLDataTypes.VectorType()).add("label", DataTypes.DoubleType)
      .add("truth", DataTypes.DoubleType);
  private final SparkSession spark = TestSpark.session();

  private static double sigmoid(double u) {
    return 1 / (1 + Math.exp(-u));
  }

  /**
   * Zero-inflated Poisson: with probability π(x) = sigmoid(−0.6 + 1.2 x) an extra zero, else
   * Poisson(exp(1.2 + 0.4 x)); x ~ U(−1.5, 1.5); truth is π(x).
   */
  private Dataset<Row> zeroInflated(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x = r.nextDouble(-1.5, 1.5);
      double pi = sigmoid(-0.6 + 1.2 * x);
      double y = r.nextDouble() < pi ? 0 : RandomDraws.poisson(r, Math.exp(1.2 + 0.4 * x));
      rows.add(RowFactory.create(Vectors.dense(x), y, pi));
    }
    return spark.createDataFrame(rows, SCHEMA);
  }

  /**
   * Negative binomial (a Poisson whose rate is Gamma distributed) with mean exp(1 + 0.5 x) and
   * dispersion 0.5 (variance μ + 0.5 μ²); truth is the log mean.
   */
  private Dataset<Row> overdispersed(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>();
    double shape = 1 / 0.5;
    for (int i = 0; i < n; i++) {
      double x = r.nextDouble(-1.5, 1.5);
      double mu = Math.exp(1 + 0.5 * x);
      double rate = gammaDraw(r, shape) * mu / shape;
      rows.add(RowFactory.create(Vectors.dense(x), (double) RandomDraws.poisson(r, rate), Math.log(mu)));
    }
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** Marsaglia and Tsang, shape ≥ 1. */
  private static double gammaDraw(SplittableRandom r, double shape) {
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double z = RandomDraws.gaussian(r);
      double v = Math.pow(1 + c * z, 3);
      if (v > 0 && Math.log(r.nextDouble()) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }

  /** Bimodal: y = ±(1 + x) + N(0, 0.2²) with equal probability, x ~ U(0, 2). */
  private Dataset<Row> bimodal(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x = r.nextDouble(0, 2);
      double sign = r.nextBoolean() ? 1 : -1;
      rows.add(RowFactory.create(Vectors.dense(x), sign * (1 + x) + 0.2 * RandomDraws.gaussian(r), 0.0));
    }
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** y = sin(x) + N(0, 0.1²), x ~ U(−2, 2) (or the given range). */
  private Dataset<Row> sine(int n, long seed, double from, double to) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x = r.nextDouble(from, to);
      rows.add(RowFactory.create(Vectors.dense(x), Math.sin(x) + 0.1 * RandomDraws.gaussian(r), x));
    }
    return spark.createDataFrame(rows, SCHEMA);
  }

  private static NeuralNetRegressor mlp(String distribution, int outputs) {
    return new NeuralNetRegressor().setDistribution(distribution)
        .setLayers(Sequential.of(Dense.units(16).activation("relu"), Dense.units(outputs)))
        .setOptimizer("adam").setLearningRate(0.02).setBatchSize(64).setNumWorkers(2)
        .setSeed(3).setVerbose(0);
  }

  @Test
  void zeroInflatedPoissonRecoversTheZeroProbability() {
    NeuralNetRegressionModel model = mlp("zero_inflated_poisson", 2).setEpochs(25)
        .fit(zeroInflated(4000, 1).cache());
    List<Row> out = model.transform(zeroInflated(1000, 2))
        .select("truth", "parameters", "prediction", "stddev", "lower", "upper").collectAsList();
    double mae = 0;
    for (Row row : out) {
      double[] p = ((Vector) row.get(1)).toArray();
      mae += Math.abs(p[1] - row.getDouble(0)) / out.size();
      assertEquals((1 - p[1]) * p[0], row.getDouble(2), 1e-9); // the mean
      assertEquals(Math.sqrt((1 - p[1]) * p[0] * (1 + p[1] * p[0])), row.getDouble(3), 1e-9);
      assertEquals(Math.rint(row.getDouble(5)), row.getDouble(5));
    }
    System.out.printf("zero_inflated_poisson: held-out MAE of the zero probability %.4f%n", mae);
    assertTrue(mae < 0.05, "MAE of the zero-inflation probability " + mae);
    assertTrue(model.history().keys().contains("nll"), model.history().keys().toString());
    assertTrue(model.history().keys().contains("coverage"), model.history().keys().toString());
  }

  @Test
  void negativeBinomialLearnsTheDispersionAndCovers() {
    NeuralNetRegressionModel model = mlp("negative_binomial", 2).setEpochs(25)
        .setValidationSplit(0.2).fit(overdispersed(4000, 3).cache());
    Dataset<Row> scored = model.transform(overdispersed(2000, 4)).cache();
    List<Row> out = scored.select("truth", "parameters").collectAsList();
    double logMeanError = 0;
    double alpha = 0;
    for (Row row : out) {
      double[] p = ((Vector) row.get(1)).toArray();
      logMeanError += Math.abs(Math.log(p[0]) - row.getDouble(0)) / out.size();
      alpha += p[1] / out.size();
    }
    double coverage = new DistributionEvaluator().setMetricName("coverage").evaluate(scored);
    double nbNll = new DistributionEvaluator().evaluate(scored);
    NeuralNetRegressionModel poisson = mlp("poisson", 1).setEpochs(25)
        .fit(overdispersed(4000, 3).cache());
    double poissonNll = new DistributionEvaluator()
        .evaluate(poisson.transform(overdispersed(2000, 4)));
    double poissonCoverage = new DistributionEvaluator().setMetricName("coverage")
        .evaluate(poisson.transform(overdispersed(2000, 4)));
    System.out.printf("negative_binomial: log-mean MAE %.4f, mean dispersion %.3f (true 0.5),"
        + " coverage %.4f, NLL %.4f; poisson NLL %.4f, coverage %.4f%n", logMeanError, alpha,
        coverage, nbNll, poissonNll, poissonCoverage);
    assertTrue(logMeanError < 0.1, "log-mean MAE " + logMeanError);
    assertTrue(Math.abs(alpha - 0.5) < 0.15, "dispersion " + alpha);
    assertTrue(coverage >= 0.93 && coverage <= 0.99, "coverage " + coverage);
    assertTrue(nbNll < poissonNll, "NB " + nbNll + " vs Poisson " + poissonNll);
    assertTrue(poissonCoverage < coverage, "the Poisson's intervals are too narrow here");
    assertTrue(model.history().keys().contains("val_nll"), model.history().keys().toString());
  }

  @Test
  void mixtureFitsBimodalDataThatOneNormalCannot() {
    NeuralNetRegressor base = new NeuralNetRegressor()
        .setLayers(Sequential.of(Dense.units(32).activation("relu"),
            Dense.units(32).activation("relu"), Dense.units(6)))
        .setOptimizer("adam").setLearningRate(0.01).setBatchSize(64).setNumWorkers(2)
        .setEpochs(30).setSeed(5).setVerbose(0);
    NeuralNetRegressionModel mixture = base.copy(new ParamMap())
        .setDistribution("mixture_normal").setMixtureComponents(2)
        .setLayers(Sequential.of(Dense.units(32).activation("relu"),
            Dense.units(32).activation("relu"), Dense.units(6)))
        .setQuantiles(0.05, 0.5, 0.95).fit(bimodal(3000, 6).cache());
    NeuralNetRegressionModel normal = base.copy(new ParamMap()).setDistribution("normal")
        .setLayers(Sequential.of(Dense.units(32).activation("relu"),
            Dense.units(32).activation("relu"), Dense.units(2)))
        .fit(bimodal(3000, 6).cache());
    Dataset<Row> test = bimodal(1000, 7);
    Dataset<Row> m = mixture.transform(test).cache();
    double mixtureNll = new DistributionEvaluator().evaluate(m);
    double normalNll = new DistributionEvaluator().evaluate(normal.transform(test));
    double coverage = new DistributionEvaluator().setMetricName("coverage").evaluate(m);
    System.out.printf("mixture_normal: held-out NLL %.4f vs normal %.4f, coverage %.4f%n",
        mixtureNll, normalNll, coverage);
    assertTrue(mixtureNll < normalNll - 0.3, mixtureNll + " vs " + normalNll);
    assertTrue(coverage >= 0.93 && coverage <= 0.97, "coverage " + coverage);
    for (Row row : m.select("features", "quantiles", "parameters").collectAsList()) {
      double x = ((Vector) row.get(0)).apply(0);
      double[] q = ((Vector) row.get(1)).toArray();
      assertTrue(q[0] < q[1] && q[1] < q[2], java.util.Arrays.toString(q));
      // the 5 % and 95 % quantiles sit near the two modes ∓(1 + x)
      assertEquals(-(1 + x), q[0], 0.5, "x " + x);
      assertEquals(1 + x, q[2], 0.5, "x " + x);
      double[] p = ((Vector) row.get(2)).toArray();
      assertEquals(1, p[0] + p[1], 1e-9);
    }
    assertEquals("mixture_normal", m.schema().apply("parameters").metadata()
        .getString("distribution"));
    IllegalArgumentException units = assertThrows(IllegalArgumentException.class,
        () -> base.copy(new ParamMap()).setDistribution("mixture_normal").setMixtureComponents(3)
            .fit(bimodal(50, 8)));
    assertTrue(units.getMessage().contains("needs 9 output units")
        && units.getMessage().contains("setMixtureComponents(2)"), units.getMessage());
  }

  @Test
  void monteCarloDropoutIsMoreUncertainFarFromTheTrainingData() {
    NeuralNetRegressionModel model = new NeuralNetRegressor().setDistribution("normal")
        .setLayers(Sequential.of(Dense.units(64).activation("relu"), Dropout.rate(0.2),
            Dense.units(64).activation("relu"), Dropout.rate(0.2), Dense.units(2)))
        .setOptimizer("adam").setLearningRate(0.01).setBatchSize(64).setNumWorkers(2)
        .setEpochs(30).setSeed(9).setVerbose(0).fit(sine(3000, 10, -2, 2).cache());
    model.setMcSamples(40);
    double inside = meanOf(model.transform(sine(300, 11, -2, 2)), "epistemicStddev");
    double outside = meanOf(model.transform(sine(300, 12, 4, 6)), "epistemicStddev");
    System.out.printf("MC dropout: epistemic stddev inside %.4f, outside %.4f%n", inside, outside);
    assertTrue(outside > 2 * inside, "inside " + inside + ", outside " + outside);
    // the intervals widen: the total stddev is at least the epistemic one
    for (Row r : model.transform(sine(50, 13, -2, 2))
        .select("stddev", "epistemicStddev", "lower", "upper").collectAsList()) {
      assertTrue(r.getDouble(0) >= r.getDouble(1) - 1e-12);
      assertTrue(r.getDouble(2) < r.getDouble(3));
    }
    // reproducible: the masks depend on the partition and the batch only
    Dataset<Row> probe = sine(20, 14, -2, 2).coalesce(1);
    assertEquals(model.transform(probe).select("prediction").collectAsList(),
        model.transform(probe).select("prediction").collectAsList());
    NeuralNetRegressionModel noDropout = mlp("normal", 2).setEpochs(1)
        .fit(sine(200, 15, -2, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> noDropout.setMcSamples(10).transform(sine(10, 16, -2, 2)));
    assertTrue(e.getMessage().contains("no Dropout layer"), e.getMessage());
  }

  private static double meanOf(Dataset<Row> d, String col) {
    return d.agg(org.apache.spark.sql.functions.avg(col)).first().getDouble(0);
  }

  @Test
  void worksInAPipelineAndCrossValidatorAndSavesItsParams(@TempDir Path dir) throws Exception {
    NeuralNetRegressor nn = new NeuralNetRegressor().setDistribution("poisson")
        .setFeaturesCol("scaled").setLayers(Sequential.of(Dense.units(1)))
        .setOptimizer("adam").setLearningRate(0.05).setBatchSize(64).setNumWorkers(2)
        .setEpochs(8).setSeed(17).setVerbose(0).setQuantiles(0.25, 0.75);
    StandardScaler scaler = new StandardScaler().setInputCol("features").setOutputCol("scaled");
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {scaler, nn});
    Dataset<Row> train = overdispersed(600, 18).cache();
    CrossValidator valid = new CrossValidator().setEstimator(pipeline)
        .setEvaluator(new RegressionEvaluator().setMetricName("rmse"))
        .setEstimatorParamMaps(new ParamGridBuilder()
            .addGrid(nn.learningRate(), new double[] {0.01, 0.05}).build())
        .setNumFolds(2).setSeed(19);
    CrossValidatorModel cvModel = valid.fit(train);
    assertEquals(2, cvModel.avgMetrics().length);
    PipelineModel best = (PipelineModel) cvModel.bestModel();
    Dataset<Row> test = overdispersed(200, 20);
    double nll = new DistributionEvaluator().evaluate(best.transform(test));
    assertTrue(Double.isFinite(nll) && nll > 0 && nll < 5, "NLL " + nll);
    // a DistributionEvaluator selects models too (smaller NLL is better)
    CrossValidatorModel byNll = new CrossValidator().setEstimator(pipeline)
        .setEvaluator(new DistributionEvaluator())
        .setEstimatorParamMaps(new ParamGridBuilder()
            .addGrid(nn.learningRate(), new double[] {0.01, 0.05}).build())
        .setNumFolds(2).setSeed(19).fit(train);
    assertTrue(byNll.avgMetrics()[0] > 0 && byNll.avgMetrics()[1] > 0);

    String path = dir.resolve("pipeline").toString();
    best.write().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    NeuralNetRegressionModel a = (NeuralNetRegressionModel) best.stages()[1];
    NeuralNetRegressionModel b = (NeuralNetRegressionModel) loaded.stages()[1];
    assertEquals("poisson", b.getDistribution());
    assertArrayEquals(new double[] {0.25, 0.75}, b.getQuantiles());
    List<Row> ra = best.transform(test).select("prediction", "stddev", "lower", "upper",
        "parameters", "quantiles").collectAsList();
    List<Row> rb = loaded.transform(test).select("prediction", "stddev", "lower", "upper",
        "parameters", "quantiles").collectAsList();
    assertEquals(ra, rb);
    assertEquals(a.getMixtureComponents(), b.getMixtureComponents());
    String evalPath = dir.resolve("evaluator").toString();
    new DistributionEvaluator().setMetricName("coverage").setLowerCol("lo").write().save(evalPath);
    DistributionEvaluator e = DistributionEvaluator.load(evalPath);
    assertEquals("coverage", e.getMetricName());
    assertEquals("lo", e.getOrDefault(e.lowerCol()));
  }

  @Test
  void evaluatorMetricsFollowTheirDefinitions() {
    List<Row> rows = List.of(
        RowFactory.create(2.0, 1.5, 1.0, 3.0, Vectors.dense(1.5)),
        RowFactory.create(0.0, 0.5, 0.0, 2.0, Vectors.dense(0.5)),
        RowFactory.create(7.0, 3.0, 0.0, 6.0, Vectors.dense(3.0)));
    StructType schema = new StructType().add("label", DataTypes.DoubleType)
        .add("prediction", DataTypes.DoubleType).add("lower", DataTypes.DoubleType)
        .add("upper", DataTypes.DoubleType)
        .add("parameters", SQLDataTypes.VectorType(), false,
            new org.apache.spark.sql.types.MetadataBuilder().putString("distribution", "poisson")
                .build());
    Dataset<Row> d = spark.createDataFrame(rows, schema);
    double deviance = (2 * (2 * Math.log(2 / 1.5) - 0.5) + 2 * 0.5
        + 2 * (7 * Math.log(7 / 3.0) - 4)) / 3;
    assertEquals(deviance,
        new DistributionEvaluator().setMetricName("poisson_deviance").evaluate(d), 1e-12);
    assertEquals(2 / 3.0, new DistributionEvaluator().setMetricName("coverage").evaluate(d),
        1e-12);
    double nll = 0;
    double[][] yMu = {{2, 1.5}, {0, 0.5}, {7, 3}};
    for (double[] p : yMu) {
      double logFactorial = 0;
      for (int k = 2; k <= p[0]; k++) {
        logFactorial += Math.log(k);
      }
      nll += (p[1] - p[0] * Math.log(p[1]) + logFactorial) / 3;
    }
    assertEquals(nll, new DistributionEvaluator().evaluate(d), 1e-9);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DistributionEvaluator().evaluate(d.drop("parameters")));
    assertTrue(e.getMessage().contains("'parameters'"), e.getMessage());
  }
}
