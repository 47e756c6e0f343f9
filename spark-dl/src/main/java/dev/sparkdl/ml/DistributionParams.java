package dev.sparkdl.ml;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * The regressor's distribution params, declared once for {@link NeuralNetRegressor} and
 * {@link NeuralNetRegressionModel}: what the network's outputs mean ({@code distribution}) and
 * the columns a model appends for it ({@code stddevCol}, {@code lowerCol}, {@code upperCol} at
 * {@code intervalLevel}). Spark discovers the params through the default methods returning
 * {@code Param}; the instances live in {@link Definitions}.
 *
 * @param <T> the stage class, returned by the setters
 */
public interface DistributionParams<T extends DistributionParams<T>> extends Params {

  /** The distributions a regressor can predict. */
  List<String> DISTRIBUTIONS = List.of("normal_fixed", "normal", "poisson");

  /** @return the stage's instances of these params (not itself a param) */
  Definitions distributionParams();

  /**
   * @return the param {@code distribution}: {@code normal_fixed} (one output, the {@code loss}
   *     param's loss), {@code normal} (two linear outputs: the mean and the standard deviation
   *     before softplus; loss: the normal negative log-likelihood) or {@code poisson} (one linear
   *     output, the log rate; loss: the Poisson negative log-likelihood)
   */
  default Param<String> distribution() {
    return distributionParams().distribution;
  }

  /** @return the distribution (default normal_fixed) */
  default String getDistribution() {
    return getOrDefault(distribution());
  }

  /** @return the param {@code stddevCol}: the predicted standard deviation ({@code normal}) */
  default Param<String> stddevCol() {
    return distributionParams().stddevCol;
  }

  /** @return the standard deviation column's name (default "stddev") */
  default String getStddevCol() {
    return getOrDefault(stddevCol());
  }

  /** @return the param {@code lowerCol}: the lower end of the central interval */
  default Param<String> lowerCol() {
    return distributionParams().lowerCol;
  }

  /** @return the lower end column's name (default "lower") */
  default String getLowerCol() {
    return getOrDefault(lowerCol());
  }

  /** @return the param {@code upperCol}: the upper end of the central interval */
  default Param<String> upperCol() {
    return distributionParams().upperCol;
  }

  /** @return the upper end column's name (default "upper") */
  default String getUpperCol() {
    return getOrDefault(upperCol());
  }

  /** @return the param {@code intervalLevel}: the central interval's probability, in (0, 1) */
  default DoubleParam intervalLevel() {
    return distributionParams().intervalLevel;
  }

  /** @return the interval's probability (default 0.95) */
  default double getIntervalLevel() {
    return (Double) getOrDefault(intervalLevel());
  }

  /** @return this stage, typed */
  @SuppressWarnings("unchecked")
  private T typed() {
    return (T) this;
  }

  /** Sets the distribution: normal_fixed, normal or poisson. */
  default T setDistribution(String value) {
    set(distribution(), value);
    return typed();
  }

  /** Sets the standard deviation column's name ("" for none). */
  default T setStddevCol(String value) {
    set(stddevCol(), value);
    return typed();
  }

  /** Sets the interval's lower end column's name ("" for none). */
  default T setLowerCol(String value) {
    set(lowerCol(), value);
    return typed();
  }

  /** Sets the interval's upper end column's name ("" for none). */
  default T setUpperCol(String value) {
    set(upperCol(), value);
    return typed();
  }

  /** Sets the central interval's probability, in (0, 1). */
  default T setIntervalLevel(double value) {
    set(intervalLevel(), value);
    return typed();
  }

  /** The param instances of one stage, with their docs, validators and defaults. */
  final class Definitions implements Serializable {
    private static final long serialVersionUID = 1L;
    final Param<String> distribution;
    final Param<String> stddevCol;
    final Param<String> lowerCol;
    final Param<String> upperCol;
    final DoubleParam intervalLevel;

    Definitions(Params owner) {
      distribution = new Param<>(owner, "distribution",
          "what the network predicts: normal_fixed (one output; the loss param's loss), normal"
              + " (two linear outputs, mean and softplus standard deviation; normal negative"
              + " log-likelihood) or poisson (one linear output, the log rate; Poisson negative"
              + " log-likelihood)",
          ParamValidators.inArray(DISTRIBUTIONS.toArray(new String[0])));
      stddevCol = new Param<>(owner, "stddevCol",
          "the predicted standard deviation's column (distribution normal; \"\" for none)");
      lowerCol = new Param<>(owner, "lowerCol",
          "the lower end of the central interval at intervalLevel (normal, poisson; \"\" for"
              + " none)");
      upperCol = new Param<>(owner, "upperCol",
          "the upper end of the central interval at intervalLevel (normal, poisson; \"\" for"
              + " none)");
      intervalLevel = new DoubleParam(owner, "intervalLevel",
          "the probability of the central interval in lowerCol and upperCol, in (0, 1)",
          ParamValidators.inRange(0, 1, false, false));
    }

    /** Sets the defaults on {@code p}. */
    static void setDefaults(DistributionParams<?> p) {
      Definitions d = p.distributionParams();
      p.setDefault(d.distribution, "normal_fixed");
      p.setDefault(d.stddevCol, "stddev");
      p.setDefault(d.lowerCol, "lower");
      p.setDefault(d.upperCol, "upper");
      p.setDefault(d.intervalLevel, 0.95);
    }
  }
}
