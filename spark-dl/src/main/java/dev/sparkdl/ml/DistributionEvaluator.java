package dev.sparkdl.ml;

import dev.sparkdl.engine.OutputDistribution;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Scores predicted distributions, as Spark's {@code RegressionEvaluator} scores predictions. It
 * reads what a {@link NeuralNetRegressionModel} with a distribution appends; {@code metricName}:
 *
 * <ul>
 *   <li>{@code nll} (default; smaller is better): the mean negative log-likelihood of the labels
 *       under the predicted distributions, from {@code parametersCol} (whose metadata names the
 *       distribution);
 *   <li>{@code coverage}: the share of labels inside [{@code lowerCol}, {@code upperCol}];
 *       larger is better for model selection only in the sense of "not too narrow": compare it
 *       with the model's {@code intervalLevel};
 *   <li>{@code poisson_deviance} (smaller is better): the mean Poisson deviance
 *       2 (y log(y / μ) − (y − μ)) of the labels against {@code predictionCol}, which works on
 *       any model's predicted means, e.g. Spark's {@code GeneralizedLinearRegression}.
 * </ul>
 *
 * Rows whose label is null or NaN are skipped, as {@code RegressionEvaluator} does.
 */
public class DistributionEvaluator extends Evaluator implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  /** The parameters column's metadata key naming the distribution. */
  static final String DISTRIBUTION_KEY = "distribution";

  /** The parameters column's metadata key holding mixture_normal's components. */
  static final String COMPONENTS_KEY = "components";

  /** The metric names. */
  public static final List<String> METRICS = List.of("nll", "coverage", "poisson_deviance");

  private final String uid;
  private Param<String> metricName;
  private Param<String> labelCol;
  private Param<String> predictionCol;
  private Param<String> parametersCol;
  private Param<String> lowerCol;
  private Param<String> upperCol;

  /** An evaluator with a random uid. */
  public DistributionEvaluator() {
    this(Identifiable.randomUID("distEval"));
  }

  /** @param uid the uid */
  public DistributionEvaluator(String uid) {
    this.uid = uid;
    metricName = new Param<>(this, "metricName",
        "metric name in evaluation: nll, coverage or poisson_deviance",
        ParamValidators.inArray(METRICS.toArray(new String[0])));
    labelCol = new Param<>(this, "labelCol", "label column name");
    predictionCol = new Param<>(this, "predictionCol", "the predicted mean's column");
    parametersCol = new Param<>(this, "parametersCol",
        "the predicted distribution's parameters (a vector whose metadata names the"
            + " distribution)");
    lowerCol = new Param<>(this, "lowerCol", "the lower end of the predicted interval");
    upperCol = new Param<>(this, "upperCol", "the upper end of the predicted interval");
    setDefault(metricName, "nll");
    setDefault(labelCol, "label");
    setDefault(predictionCol, "prediction");
    setDefault(parametersCol, "parameters");
    setDefault(lowerCol, "lower");
    setDefault(upperCol, "upper");
  }

  @Override
  public String uid() {
    return uid;
  }

  /** @return the param metricName */
  public Param<String> metricName() {
    return metricName;
  }

  /** @return the param labelCol */
  public Param<String> labelCol() {
    return labelCol;
  }

  /** @return the param predictionCol */
  public Param<String> predictionCol() {
    return predictionCol;
  }

  /** @return the param parametersCol */
  public Param<String> parametersCol() {
    return parametersCol;
  }

  /** @return the param lowerCol */
  public Param<String> lowerCol() {
    return lowerCol;
  }

  /** @return the param upperCol */
  public Param<String> upperCol() {
    return upperCol;
  }

  /** @return the metric name */
  public String getMetricName() {
    return getOrDefault(metricName);
  }

  /** Sets the metric: nll, coverage or poisson_deviance. */
  public DistributionEvaluator setMetricName(String value) {
    set(metricName, value);
    return this;
  }

  /** Sets the label column. */
  public DistributionEvaluator setLabelCol(String value) {
    set(labelCol, value);
    return this;
  }

  /** Sets the predicted mean's column. */
  public DistributionEvaluator setPredictionCol(String value) {
    set(predictionCol, value);
    return this;
  }

  /** Sets the parameters column. */
  public DistributionEvaluator setParametersCol(String value) {
    set(parametersCol, value);
    return this;
  }

  /** Sets the interval's lower end column. */
  public DistributionEvaluator setLowerCol(String value) {
    set(lowerCol, value);
    return this;
  }

  /** Sets the interval's upper end column. */
  public DistributionEvaluator setUpperCol(String value) {
    set(upperCol, value);
    return this;
  }

  @Override
  public boolean isLargerBetter() {
    return "coverage".equals(getMetricName());
  }

  @Override
  public double evaluate(Dataset<?> dataset) {
    StructType schema = dataset.schema();
    String label = getOrDefault(labelCol);
    String metric = getMetricName();
    require(schema, label, "the label");
    org.apache.spark.sql.Column y = functions.col(label).cast(DataTypes.DoubleType);
    Dataset<Row> rows;
    switch (metric) {
      case "nll" -> {
        String col = getOrDefault(parametersCol);
        StructField f = require(schema, col, "the predicted distribution's parameters");
        OutputDistribution d = distributionOf(f);
        rows = dataset.select(y, functions.col(col));
        return mean(rows, r -> {
          return -d.fromParameters(((Vector) r.get(1)).toArray()).logDensity(r.getDouble(0));
        });
      }
      case "coverage" -> {
        String lo = getOrDefault(lowerCol);
        String hi = getOrDefault(upperCol);
        require(schema, lo, "the interval's lower end");
        require(schema, hi, "the interval's upper end");
        rows = dataset.select(y, functions.col(lo).cast(DataTypes.DoubleType),
            functions.col(hi).cast(DataTypes.DoubleType));
        return mean(rows, r -> r.getDouble(0) >= r.getDouble(1)
            && r.getDouble(0) <= r.getDouble(2) ? 1.0 : 0.0);
      }
      default -> {
        String col = getOrDefault(predictionCol);
        require(schema, col, "the predicted mean");
        rows = dataset.select(y, functions.col(col).cast(DataTypes.DoubleType));
        return mean(rows, r -> poissonDeviance(r.getDouble(0), r.getDouble(1)));
      }
    }
  }

  /** 2 (y log(y / μ) − (y − μ)), with y log(y / μ) = 0 at y = 0. */
  static double poissonDeviance(double y, double mu) {
    double t = y > 0 ? y * Math.log(y / mu) : 0;
    return 2 * (t - (y - mu));
  }

  private interface RowMetric extends java.io.Serializable {
    double of(Row r);
  }

  private static double mean(Dataset<Row> rows, RowMetric f) {
    double[] acc = rows.javaRDD()
        .filter(r -> !r.isNullAt(0) && !Double.isNaN(r.getDouble(0)))
        .map(r -> new double[] {f.of(r), 1})
        .fold(new double[] {0, 0}, (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
    if (acc[1] == 0) {
      throw new IllegalArgumentException(
          "DistributionEvaluator: no rows with a label to evaluate (empty data, or every label"
              + " null or NaN).");
    }
    return acc[0] / acc[1];
  }

  private StructField require(StructType schema, String col, String what) {
    if (!Arrays.asList(schema.fieldNames()).contains(col)) {
      throw new IllegalArgumentException(
          "DistributionEvaluator (metric " + getMetricName() + ") reads " + what + " from column"
              + " '" + col + "', which the data lacks; its columns are "
              + Arrays.toString(schema.fieldNames()) + ". Score the data with a"
              + " NeuralNetRegressionModel fitted with a distribution, or set the column's name.");
    }
    return schema.apply(col);
  }

  private OutputDistribution distributionOf(StructField f) {
    Metadata m = f.metadata();
    if (!m.contains(DISTRIBUTION_KEY)) {
      throw new IllegalArgumentException(
          "Column '" + f.name() + "' does not say which distribution its values parameterise"
              + " (metadata key '" + DISTRIBUTION_KEY + "'); metric nll reads the parameters"
              + " column a NeuralNetRegressionModel with a distribution appends.");
    }
    int k = m.contains(COMPONENTS_KEY) ? (int) m.getLong(COMPONENTS_KEY) : 1;
    return OutputDistribution.of(m.getString(DISTRIBUTION_KEY), Math.max(k, 1));
  }

  @Override
  public DistributionEvaluator copy(ParamMap extra) {
    return (DistributionEvaluator) defaultCopy(extra);
  }

  /** @return a reader for saved evaluators */
  public static MLReader<DistributionEvaluator> read() {
    return new DefaultParamsReader<>();
  }

  /** Loads a saved evaluator. */
  public static DistributionEvaluator load(String path) {
    return read().load(path);
  }

  @Override
  public String toString() {
    return "DistributionEvaluator: uid=" + uid + ", metricName=" + getMetricName();
  }
}
