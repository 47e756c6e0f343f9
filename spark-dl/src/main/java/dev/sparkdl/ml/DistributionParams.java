package dev.sparkdl.ml;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
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
  List<String> DISTRIBUTIONS = List.of("normal_fixed", "normal", "poisson",
      "negative_binomial", "zero_inflated_poisson", "mixture_normal");

  /** @return the stage's instances of these params (not itself a param) */
  Definitions distributionParams();

  /**
   * @return the param {@code distribution}: {@code normal_fixed} (one output, the {@code loss}
   *     param's loss), or a likelihood head fitted by its negative log-likelihood:
   *     {@code normal} (2 linear outputs: mean, standard deviation before softplus),
   *     {@code poisson} (1: log rate), {@code negative_binomial} (2: log mean, dispersion before
   *     softplus), {@code zero_inflated_poisson} (2: log rate, logit of the extra zeros'
   *     probability), {@code mixture_normal} (3K: K logits, K means, K standard deviations
   *     before softplus; K = {@code mixtureComponents})
   */
  default Param<String> distribution() {
    return distributionParams().distribution;
  }

  /** @return the distribution (default normal_fixed) */
  default String getDistribution() {
    return getOrDefault(distribution());
  }

  /** @return the param {@code stddevCol}: the predicted standard deviation */
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

  /** @return the param {@code mixtureComponents}: K of mixture_normal (≥ 1) */
  default IntParam mixtureComponents() {
    return distributionParams().mixtureComponents;
  }

  /** @return the mixture's components (default 2) */
  default int getMixtureComponents() {
    return (Integer) getOrDefault(mixtureComponents());
  }

  /** @return the param {@code quantiles}: probabilities whose quantiles fill quantilesCol */
  default DoubleArrayParam quantiles() {
    return distributionParams().quantiles;
  }

  /** @return the quantile probabilities (default none) */
  default double[] getQuantiles() {
    return getOrDefault(quantiles());
  }

  /** @return the param {@code quantilesCol}: the vector of the predicted quantiles */
  default Param<String> quantilesCol() {
    return distributionParams().quantilesCol;
  }

  /** @return the quantiles column's name (default "quantiles") */
  default String getQuantilesCol() {
    return getOrDefault(quantilesCol());
  }

  /** @return the param {@code parametersCol}: the distribution's parameters as a vector */
  default Param<String> parametersCol() {
    return distributionParams().parametersCol;
  }

  /** @return the parameters column's name (default "parameters") */
  default String getParametersCol() {
    return getOrDefault(parametersCol());
  }

  /** @return the param {@code mcSamples}: Monte Carlo dropout passes when scoring (0: off) */
  default IntParam mcSamples() {
    return distributionParams().mcSamples;
  }

  /** @return the Monte Carlo dropout passes (default 0) */
  default int getMcSamples() {
    return (Integer) getOrDefault(mcSamples());
  }

  /** @return the param {@code epistemicStddevCol}: the spread of the passes' means */
  default Param<String> epistemicStddevCol() {
    return distributionParams().epistemicStddevCol;
  }

  /** @return the epistemic standard deviation column's name (default "epistemicStddev") */
  default String getEpistemicStddevCol() {
    return getOrDefault(epistemicStddevCol());
  }

  /** Sets K, the components of mixture_normal (the output layer has 3K units). */
  default T setMixtureComponents(int value) {
    set(mixtureComponents(), ParamValues.checked(mixtureComponents(), value, "setMixtureComponents"));
    return typed();
  }

  /** Sets the probabilities whose quantiles fill quantilesCol, each in (0, 1). */
  default T setQuantiles(double... value) {
    set(quantiles(), value);
    return typed();
  }

  /** Sets the quantiles column's name. */
  default T setQuantilesCol(String value) {
    set(quantilesCol(), value);
    return typed();
  }

  /** Sets the parameters column's name ("" for none). */
  default T setParametersCol(String value) {
    set(parametersCol(), value);
    return typed();
  }

  /** Sets the Monte Carlo dropout passes per row when scoring (0 turns it off). */
  default T setMcSamples(int value) {
    set(mcSamples(), ParamValues.checked(mcSamples(), value, "setMcSamples"));
    return typed();
  }

  /** Sets the epistemic standard deviation column's name ("" for none). */
  default T setEpistemicStddevCol(String value) {
    set(epistemicStddevCol(), value);
    return typed();
  }

  /** @return this stage, typed */
  @SuppressWarnings("unchecked")
  private T typed() {
    return (T) this;
  }

  /**
   * Sets the distribution: normal_fixed, normal, poisson, negative_binomial,
   * zero_inflated_poisson or mixture_normal.
   */
  default T setDistribution(String value) {
    set(distribution(), ParamValues.checked(distribution(), value, "setDistribution"));
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
    set(intervalLevel(), ParamValues.checked(intervalLevel(), value, "setIntervalLevel"));
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
    final IntParam mixtureComponents;
    final DoubleArrayParam quantiles;
    final Param<String> quantilesCol;
    final Param<String> parametersCol;
    final IntParam mcSamples;
    final Param<String> epistemicStddevCol;

    Definitions(Params owner) {
      distribution = new Param<>(owner, "distribution",
          "what the network predicts: normal_fixed (one output; the loss param's loss) or a"
              + " distribution fitted by its negative log-likelihood from linear outputs: normal"
              + " (2: mean, softplus standard deviation), poisson (1: log rate),"
              + " negative_binomial (2: log mean, softplus dispersion), zero_inflated_poisson"
              + " (2: log rate, logit of the extra zeros), mixture_normal (3K: logits, means,"
              + " softplus standard deviations)",
          ParamValidators.inArray(DISTRIBUTIONS.toArray(new String[0])));
      stddevCol = new Param<>(owner, "stddevCol",
          "the predicted standard deviation's column (a distribution, or mcSamples > 0; \"\" for"
              + " none)");
      lowerCol = new Param<>(owner, "lowerCol",
          "the lower end of the central interval at intervalLevel (a distribution, or"
              + " mcSamples > 0; \"\" for none)");
      upperCol = new Param<>(owner, "upperCol",
          "the upper end of the central interval at intervalLevel (a distribution, or"
              + " mcSamples > 0; \"\" for none)");
      intervalLevel = new DoubleParam(owner, "intervalLevel",
          "the probability of the central interval in lowerCol and upperCol, in (0, 1)",
          ParamValidators.inRange(0, 1, false, false));
      mixtureComponents = new IntParam(owner, "mixtureComponents",
          "the components K of distribution mixture_normal (the output layer has 3K units), >= 1",
          ParamValidators.gtEq(1));
      quantiles = new DoubleArrayParam(owner, "quantiles",
          "probabilities in (0, 1) whose predicted quantiles fill quantilesCol (empty: no"
              + " column)",
          new Probabilities());
      quantilesCol = new Param<>(owner, "quantilesCol",
          "the vector of the predicted quantiles at the quantiles param's probabilities");
      parametersCol = new Param<>(owner, "parametersCol",
          "the predicted distribution's parameters as a vector (e.g. mean and stddev;"
              + " \"\" for none)");
      mcSamples = new IntParam(owner, "mcSamples",
          "Monte Carlo dropout: forward passes per row with dropout on when scoring (0: off);"
              + " their mixture gives the prediction, the stddev and the interval",
          ParamValidators.gtEq(0));
      epistemicStddevCol = new Param<>(owner, "epistemicStddevCol",
          "the standard deviation of the Monte Carlo passes' means (mcSamples > 0; \"\" for"
              + " none)");
    }

    /** Validates a quantile probability array: every value in (0, 1). */
    static final class Probabilities extends scala.runtime.AbstractFunction1<double[], Object>
        implements Serializable {
      private static final long serialVersionUID = 1L;

      @Override
      public Object apply(double[] a) {
        return java.util.Arrays.stream(a).allMatch(q -> q > 0 && q < 1);
      }
    }

    /** Sets the defaults on {@code p}. */
    static void setDefaults(DistributionParams<?> p) {
      Definitions d = p.distributionParams();
      p.setDefault(d.distribution, "normal_fixed");
      p.setDefault(d.stddevCol, "stddev");
      p.setDefault(d.lowerCol, "lower");
      p.setDefault(d.upperCol, "upper");
      p.setDefault(d.intervalLevel, 0.95);
      p.setDefault(d.mixtureComponents, 2);
      p.setDefault(d.quantiles, new double[0]);
      p.setDefault(d.quantilesCol, "quantiles");
      p.setDefault(d.parametersCol, "parameters");
      p.setDefault(d.mcSamples, 0);
      p.setDefault(d.epistemicStddevCol, "epistemicStddev");
    }
  }
}
