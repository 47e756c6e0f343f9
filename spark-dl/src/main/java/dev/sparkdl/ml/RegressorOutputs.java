package dev.sparkdl.ml;

import dev.sparkdl.distributed.OutputColumns;
import dev.sparkdl.engine.OutputDistribution;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;

/**
 * The regressor's output columns. Always the prediction (a double: the distribution's mean).
 * For a likelihood head ({@link OutputDistribution}): the standard deviation, the ends of the
 * central interval at {@code level}, the distribution's parameters as a vector (its metadata
 * names the distribution, read by {@link DistributionEvaluator}) and, when quantile
 * probabilities are set, the quantiles as a vector. With Monte Carlo dropout ({@code mcSamples}
 * T &gt; 0) the prediction, standard deviation, interval and quantiles are those of the
 * equal-weight mixture of the T passes' distributions, and the epistemic standard deviation
 * (of the passes' means) is added; for {@code normal_fixed} the passes' outputs are the
 * means and the interval is mean ± z · epistemic standard deviation. An empty column name
 * leaves that column out.
 */
final class RegressorOutputs implements OutputColumns {
  private static final long serialVersionUID = 1L;
  private final String predictionCol;
  private final OutputDistribution dist;
  private final String stddevCol;
  private final String lowerCol;
  private final String upperCol;
  private final String parametersCol;
  private final String quantilesCol;
  private final String epistemicCol;
  private final double[] quantiles;
  /** The standard normal's quantiles at {@code quantiles} (for mean ± z · spread). */
  private final double[] quantileZ;
  private final double level;
  private final double z;
  private final int samples;

  /** The outputs of a stage with the distribution params. */
  RegressorOutputs(String predictionCol, DistributionParams<?> p) {
    this.predictionCol = predictionCol;
    String name = p.getDistribution();
    this.dist = "normal_fixed".equals(name) ? null
        : OutputDistribution.of(name, p.getMixtureComponents());
    this.samples = p.getMcSamples();
    boolean spread = dist != null || samples > 0;
    this.stddevCol = spread ? p.getStddevCol() : "";
    this.lowerCol = spread ? p.getLowerCol() : "";
    this.upperCol = spread ? p.getUpperCol() : "";
    this.parametersCol = dist != null ? p.getParametersCol() : "";
    this.epistemicCol = samples > 0 ? p.getEpistemicStddevCol() : "";
    this.quantiles = p.getQuantiles().clone();
    if (quantiles.length > 0 && !spread) {
      throw new IllegalArgumentException(
          "quantiles " + Arrays.toString(quantiles) + " need a predicted distribution, but the"
              + " model predicts one value (distribution normal_fixed, mcSamples 0). Fit with"
              + " setDistribution(\"normal\") (or another distribution), set mcSamples > 0 on a"
              + " network with Dropout, or clear the quantiles with setQuantiles().");
    }
    if (quantiles.length > 0 && p.getQuantilesCol().isEmpty()) {
      throw new IllegalArgumentException(
          "quantiles are set but quantilesCol is empty; name the column with"
              + " setQuantilesCol(\"quantiles\") or clear the quantiles with setQuantiles().");
    }
    this.quantilesCol = quantiles.length > 0 ? p.getQuantilesCol() : "";
    this.level = p.getIntervalLevel();
    NormalDistribution standard = new NormalDistribution(0, 1);
    this.z = standard.inverseCumulativeProbability((1 + level) / 2);
    this.quantileZ = java.util.Arrays.stream(quantiles)
        .map(standard::inverseCumulativeProbability).toArray();
  }

  @Override
  public int mcSamples() {
    return samples;
  }

  @Override
  public StructField[] fields() {
    List<StructField> f = new ArrayList<>();
    for (String c : new String[] {predictionCol, stddevCol, lowerCol, upperCol, epistemicCol}) {
      if (!c.isEmpty()) {
        f.add(new StructField(c, DataTypes.DoubleType, false, Metadata.empty()));
      }
    }
    if (!parametersCol.isEmpty()) {
      f.add(new StructField(parametersCol, SQLDataTypes.VectorType(), false, parametersMetadata()));
    }
    if (!quantilesCol.isEmpty()) {
      f.add(new StructField(quantilesCol, SQLDataTypes.VectorType(), false,
          new MetadataBuilder().putDoubleArray("probabilities", quantiles).build()));
    }
    return f.toArray(new StructField[0]);
  }

  /** The parameters column's metadata: the distribution, its components and parameter names. */
  private Metadata parametersMetadata() {
    return new MetadataBuilder()
        .putString(DistributionEvaluator.DISTRIBUTION_KEY, dist.name())
        .putLong(DistributionEvaluator.COMPONENTS_KEY, dist.units() / 3)
        .putStringArray("names", dist.parameterNames().toArray(new String[0]))
        .build();
  }

  @Override
  public Object[] values(float[] raw, float[] act, int offset, int width) {
    return values(raw, act, null, offset, width);
  }

  @Override
  public Object[] values(float[] raw, float[] act, float[][] sampled, int offset, int width) {
    OutputDistribution.Row row = dist == null ? null : dist.row(raw, offset);
    OutputDistribution.Row predictive = row;
    double epistemic = Double.NaN;
    double mean;
    double sd;
    if (sampled != null) {
      double[] means = new double[sampled.length];
      List<OutputDistribution.Row> rows = new ArrayList<>(sampled.length);
      for (int t = 0; t < sampled.length; t++) {
        if (dist == null) {
          means[t] = sampled[t][offset]; // a linear head's output is its value
        } else {
          OutputDistribution.Row r = dist.row(sampled[t], offset);
          rows.add(r);
          means[t] = r.mean();
        }
      }
      epistemic = stddev(means);
      if (dist != null) {
        predictive = OutputDistribution.mixtureOf(rows, dist.isDiscrete());
      }
      mean = dist == null ? average(means) : predictive.mean();
      sd = dist == null ? epistemic : predictive.stddev();
    } else {
      mean = row == null ? act[offset] : row.mean();
      sd = row == null ? Double.NaN : row.stddev();
    }
    List<Object> v = new ArrayList<>(8);
    if (!predictionCol.isEmpty()) {
      v.add(mean);
    }
    if (!stddevCol.isEmpty()) {
      v.add(sd);
    }
    if (!lowerCol.isEmpty()) {
      v.add(predictive == null ? mean - z * sd : predictive.quantile((1 - level) / 2));
    }
    if (!upperCol.isEmpty()) {
      v.add(predictive == null ? mean + z * sd : predictive.quantile((1 + level) / 2));
    }
    if (!epistemicCol.isEmpty()) {
      v.add(epistemic);
    }
    if (!parametersCol.isEmpty()) {
      v.add(Vectors.dense(row.parameters()));
    }
    if (!quantilesCol.isEmpty()) {
      double[] q = new double[quantiles.length];
      for (int i = 0; i < q.length; i++) {
        q[i] = predictive == null
            ? mean + sd * quantileZ[i]
            : predictive.quantile(quantiles[i]);
      }
      v.add(Vectors.dense(q));
    }
    return v.toArray();
  }

  /** @return the prediction of one row's outputs (one deterministic pass), the mean */
  double mean(float[] raw, float[] act) {
    return dist == null ? act[0] : dist.row(raw, 0).mean();
  }

  private static double average(double[] a) {
    double s = 0;
    for (double x : a) {
      s += x;
    }
    return s / a.length;
  }

  private static double stddev(double[] a) {
    double m = average(a);
    double s = 0;
    for (double x : a) {
      s += (x - m) * (x - m);
    }
    return Math.sqrt(s / a.length);
  }
}
