package dev.sparkdl.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.data.Datasets;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Loss;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.TestSpark;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Regression on R's cars data against ordinary least squares. */
class RegressorLearningTest {
  private final SparkSession spark = TestSpark.session();

  private Dataset<Row> cars() {
    Dataset<Row> raw = Datasets.cars(spark);
    return new StandardScaler().setInputCol("features").setOutputCol("scaled").setWithMean(true)
        .fit(raw).transform(raw).drop("features").withColumnRenamed("scaled", "features").cache();
  }

  @Test
  void carsWithinTwoHundredthsOfOlsR2() {
    Dataset<Row> cars = cars();
    RegressionEvaluator r2 = new RegressionEvaluator().setMetricName("r2");
    double ols = r2.evaluate(new LinearRegression().setRegParam(0).fit(cars).transform(cars));
    NeuralNetRegressionModel model = new NeuralNetRegressor()
        .setLayers(Sequential.of(Dense.units(1)))
        .setLoss("mse").setOptimizer("adam").setLearningRate(0.5)
        .setEpochs(150).setBatchSize(10).setNumWorkers(2).setSeed(3).setVerbose(0)
        .setMetrics("mae")
        .fit(cars);
    Dataset<Row> scored = model.transform(cars);
    double nn = r2.evaluate(scored);
    assertTrue(Math.abs(nn - ols) <= 0.02, "R2 network " + nn + " vs OLS " + ols);
    assertEquals(0.651, ols, 0.001); // the textbook value for dist ~ speed
    assertTrue(model.history().keys().contains("mae"));
    // single-row predict agrees with the batched transform
    Row first = scored.first();
    assertEquals(first.<Double>getAs("prediction"),
        model.predict(first.getAs("features")), 1e-4);
  }

  @Test
  void robustLossesLearnToo() {
    Dataset<Row> cars = cars();
    RegressionEvaluator mae = new RegressionEvaluator().setMetricName("mae");
    double olsMae = mae.evaluate(new LinearRegression().fit(cars).transform(cars));
    for (Loss loss : new Loss[] {Loss.of("mae"), Loss.huber(5.0)}) {
      NeuralNetRegressionModel model = new NeuralNetRegressor()
          .setLayers(Sequential.of(Dense.units(1))).setLoss(loss).setOptimizer("adam")
          .setLearningRate(0.5).setEpochs(150).setBatchSize(10).setNumWorkers(1).setSeed(4)
          .setVerbose(0).fit(cars);
      double m = mae.evaluate(model.transform(cars));
      // least absolute deviations cannot be worse in MAE than least squares by much
      assertTrue(m <= olsMae * 1.05, loss + " MAE " + m + " vs OLS MAE " + olsMae);
    }
    assertEquals(2, Vectors.dense(1, 2).size());
  }
}
