package dev.sparkdl.ml;

import dev.sparkdl.distributed.OutputColumns;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.PoissonDistribution;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;

/**
 * The regressor's output columns: the prediction as a double (the distribution's mean), and for
 * the {@code normal} distribution the standard deviation, and for {@code normal} and
 * {@code poisson} the ends of the central interval at {@code level}. An empty column name
 * leaves that column out.
 *
 * <p>normal: μ = output 0, σ = softplus(output 1) + 1e-6, interval μ ± z σ with z the normal
 * quantile at (1 + level) / 2. poisson: rate = exp(output 0), interval from the Poisson
 * quantiles of the rate at (1 − level) / 2 and (1 + level) / 2 (commons-math3, which Spark
 * ships).
 */
final class RegressorOutputs implements OutputColumns {
  private static final long serialVersionUID = 1L;
  private final String predictionCol;
  private final String distribution;
  private final String stddevCol;
  private final String lowerCol;
  private final String upperCol;
  private final double level;
  private final double z;

  /** The outputs of a stage with the distribution params. */
  RegressorOutputs(String predictionCol, DistributionParams<?> p) {
    this(predictionCol, p.getDistribution(), p.getStddevCol(), p.getLowerCol(), p.getUpperCol(),
        p.getIntervalLevel());
  }

  private RegressorOutputs(String predictionCol, String distribution, String stddevCol,
      String lowerCol, String upperCol, double level) {
    this.predictionCol = predictionCol;
    this.distribution = distribution;
    boolean normal = "normal".equals(distribution);
    boolean interval = normal || "poisson".equals(distribution);
    this.stddevCol = normal ? stddevCol : "";
    this.lowerCol = interval ? lowerCol : "";
    this.upperCol = interval ? upperCol : "";
    this.level = level;
    this.z = new NormalDistribution(0, 1).inverseCumulativeProbability((1 + level) / 2);
  }

  @Override
  public StructField[] fields() {
    List<StructField> f = new ArrayList<>();
    for (String c : new String[] {predictionCol, stddevCol, lowerCol, upperCol}) {
      if (!c.isEmpty()) {
        f.add(new StructField(c, DataTypes.DoubleType, false, Metadata.empty()));
      }
    }
    return f.toArray(new StructField[0]);
  }

  @Override
  public Object[] values(float[] raw, float[] act, int offset, int width) {
    double mean;
    double lower = Double.NaN;
    double upper = Double.NaN;
    double sd = Double.NaN;
    switch (distribution) {
      case "normal" -> {
        mean = raw[offset];
        sd = softplus(raw[offset + 1]) + 1e-6;
        lower = mean - z * sd;
        upper = mean + z * sd;
      }
      case "poisson" -> {
        mean = Math.exp(raw[offset]);
        if (!lowerCol.isEmpty() || !upperCol.isEmpty()) {
          PoissonDistribution d = new PoissonDistribution(null, Math.max(mean, 1e-12),
              PoissonDistribution.DEFAULT_EPSILON, PoissonDistribution.DEFAULT_MAX_ITERATIONS);
          lower = d.inverseCumulativeProbability((1 - level) / 2);
          upper = d.inverseCumulativeProbability((1 + level) / 2);
        }
      }
      default -> mean = act[offset];
    }
    List<Object> v = new ArrayList<>(4);
    if (!predictionCol.isEmpty()) {
      v.add(mean);
    }
    if (!stddevCol.isEmpty()) {
      v.add(sd);
    }
    if (!lowerCol.isEmpty()) {
      v.add(lower);
    }
    if (!upperCol.isEmpty()) {
      v.add(upper);
    }
    return v.toArray();
  }

  /** @return the prediction of one row's outputs, the distribution's mean */
  double mean(float[] raw, float[] act) {
    return switch (distribution) {
      case "normal" -> raw[0];
      case "poisson" -> Math.exp(raw[0]);
      default -> act[0];
    };
  }

  private static double softplus(double u) {
    return Math.max(u, 0) + Math.log1p(Math.exp(-Math.abs(u)));
  }
}
