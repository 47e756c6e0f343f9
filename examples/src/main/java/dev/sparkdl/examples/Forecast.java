package dev.sparkdl.examples;

import dev.sparkdl.ml.NeuralNetRegressionModel;
import dev.sparkdl.ml.NeuralNetRegressor;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Recurrent;
import dev.sparkdl.spec.Sequential;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * One-step-ahead forecasting of a monthly series with an LSTM. The series is modelled as
 * standardised month-to-month changes of its logarithm (trend removed, the scale stabilised);
 * the network reads the last {@code window} changes as a {@code (window, 1)} sequence and
 * predicts the next. The held-out tail is forecast one month at a time from the actual past,
 * and compared with the naive forecasts: last value, and the value twelve months before.
 */
@Command(name = "forecast", mixinStandardHelpOptions = true,
    description = "LSTM forecast of a monthly series (R datasets: year,month,time,value CSV).")
final class Forecast implements Callable<Integer> {
  @Option(names = "--data", required = true,
      description = "a CSV with header year,month,time,<value> (../shared/data/r-airpassengers/AirPassengers.csv)")
  File data;

  @Option(names = "--test-months", description = "held-out tail (default: ${DEFAULT-VALUE})")
  int testMonths = 24;

  @Option(names = "--window", description = "months of history per input (default: ${DEFAULT-VALUE})")
  int window = 13;

  @Option(names = "--epochs", description = "epochs (default: ${DEFAULT-VALUE})")
  int epochs = 150;

  @Mixin SparkOptions spark;

  @Override
  public Integer call() throws IOException {
    List<Double> values = new ArrayList<>();
    List<String> lines = Files.readAllLines(data.toPath());
    for (String line : lines.subList(1, lines.size())) {
      if (!line.isBlank()) {
        String[] c = line.split(",");
        values.add(Double.parseDouble(c[c.length - 1]));
      }
    }
    int n = values.size();
    int firstTest = n - testMonths;
    double[] logs = values.stream().mapToDouble(v -> Math.log(Math.max(v, 1e-6) + 1)).toArray();
    double[] diff = new double[n];
    for (int t = 1; t < n; t++) {
      diff[t] = logs[t] - logs[t - 1];
    }
    double mean = 0;
    double sq = 0;
    for (int t = 1; t < firstTest; t++) {
      mean += diff[t];
    }
    mean /= firstTest - 1;
    for (int t = 1; t < firstTest; t++) {
      sq += (diff[t] - mean) * (diff[t] - mean);
    }
    double std = Math.sqrt(sq / (firstTest - 2));

    SparkSession session = Support.spark(spark.master, "spark-dl forecast");
    try {
      Dataset<Row> train = windows(session, diff, mean, std, window + 1, firstTest);
      Dataset<Row> test = windows(session, diff, mean, std, firstTest, n);
      System.out.printf("%d months; %d training windows of %d months; forecasting the last %d%n",
          n, train.count(), window, testMonths);
      NeuralNetRegressionModel model = new NeuralNetRegressor()
          .setLayers(Sequential.of(Recurrent.lstm(32), Dense.units(1)))
          .setLoss("mse").setOptimizer("adam").setLearningRate(0.005).setMetrics("mae")
          .setEpochs(epochs).setBatchSize(16).setNumWorkers(spark.workers).setSeed(3)
          .setVerbose(0).fit(train);
      System.out.printf("training loss (standardised log-changes): %.4f after %d epochs%n",
          model.history().last("loss"), epochs);

      List<Row> predicted = model.transform(test).orderBy("t").select("t", "prediction").collectAsList();
      double maeModel = 0;
      double maeNaive = 0;
      double maeSeasonal = 0;
      for (Row r : predicted) {
        int t = r.getInt(0);
        double forecast = Math.exp(logs[t - 1] + r.getDouble(1) * std + mean) - 1;
        double actual = values.get(t);
        maeModel += Math.abs(forecast - actual);
        maeNaive += Math.abs(values.get(t - 1) - actual);
        maeSeasonal += Math.abs(values.get(t - 12) - actual);
      }
      int m = predicted.size();
      maeModel /= m;
      maeNaive /= m;
      maeSeasonal /= m;
      System.out.printf("MAE on the last %d months: LSTM %.2f, naive last value %.2f, seasonal"
          + " naive (12 months before) %.2f%n", m, maeModel, maeNaive, maeSeasonal);
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("series", data.getName());
      result.put("test_months", m);
      result.put("lstm_mae", Support.round(maeModel, 3));
      result.put("naive_mae", Support.round(maeNaive, 3));
      result.put("seasonal_naive_mae", Support.round(maeSeasonal, 3));
      result.put("beats_naive", maeModel < maeNaive);
      result.put("beats_seasonal_naive", maeModel < maeSeasonal);
      Support.result(result);
      return 0;
    } finally {
      session.stop();
    }
  }

  /** Rows (t, the `window` standardised changes before t as a sequence, the change at t). */
  private Dataset<Row> windows(SparkSession s, double[] diff, double mean, double std, int from,
      int to) {
    List<Row> rows = new ArrayList<>();
    for (int t = from; t < to; t++) {
      List<List<Double>> seq = new ArrayList<>();
      for (int k = t - window; k < t; k++) {
        seq.add(List.of((diff[k] - mean) / std));
      }
      rows.add(RowFactory.create(t, seq, (diff[t] - mean) / std));
    }
    StructType schema = new StructType(new StructField[] {
      new StructField("t", DataTypes.IntegerType, false, Metadata.empty()),
      new StructField("features", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)), false, Metadata.empty()),
      new StructField("label", DataTypes.DoubleType, false, Metadata.empty())
    });
    return s.createDataFrame(rows, schema);
  }
}
