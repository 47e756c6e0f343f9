package dev.sparkdl.engine;

import java.util.List;
import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.special.Gamma;

/**
 * What a regressor's linear output units mean when they parameterise a distribution of the
 * label, and that distribution's host-side arithmetic (double precision, commons-math3): mean,
 * standard deviation, log density, CDF and quantiles of one row. The training loss computes the
 * same negative log-likelihoods with NDArray operations ({@link LossFunction}); tests compare
 * the two.
 *
 * <table>
 *   <caption>heads</caption>
 *   <tr><th>name</th><th>units</th><th>parameters from the outputs u</th></tr>
 *   <tr><td>normal</td><td>2</td><td>μ = u₀, σ = softplus(u₁) + 1e-6</td></tr>
 *   <tr><td>poisson</td><td>1</td><td>λ = exp(u₀)</td></tr>
 *   <tr><td>negative_binomial</td><td>2</td><td>μ = exp(u₀), α = softplus(u₁) + 1e-6;
 *       variance μ + α μ²</td></tr>
 *   <tr><td>zero_inflated_poisson</td><td>2</td><td>λ = exp(u₀), π = sigmoid(u₁) the
 *       probability of an extra zero</td></tr>
 *   <tr><td>mixture_normal</td><td>3K</td><td>weights softmax(u₀..u_{K−1}), means
 *       u_K..u_{2K−1}, σ = softplus(u_{2K}..u_{3K−1}) + 1e-6</td></tr>
 * </table>
 */
public final class OutputDistribution implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  /** The distributions with a likelihood head (normal_fixed, plain regression, is not one). */
  public static final List<String> NAMES = List.of(
      "normal", "poisson", "negative_binomial", "zero_inflated_poisson", "mixture_normal");

  /** The floor added to every softplus scale (σ, α). */
  public static final double SCALE_FLOOR = 1e-6;

  private final String name;
  private final int components;

  private OutputDistribution(String name, int components) {
    this.name = name;
    this.components = components;
  }

  /**
   * @param name one of {@link #NAMES}
   * @param components the mixture's components (mixture_normal; ignored otherwise)
   * @return the distribution
   */
  public static OutputDistribution of(String name, int components) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException(
          "Unknown distribution '" + name + "'; expected one of " + NAMES + ".");
    }
    if ("mixture_normal".equals(name) && components < 1) {
      throw new IllegalArgumentException(
          "mixture_normal needs at least 1 component; received " + components + ".");
    }
    return new OutputDistribution(name, "mixture_normal".equals(name) ? components : 1);
  }

  /** @return the distribution's name */
  public String name() {
    return name;
  }

  /** @return whether the label takes integer values (counts) */
  public boolean isDiscrete() {
    return !"normal".equals(name) && !"mixture_normal".equals(name);
  }

  /** @return the linear output units the head needs */
  public int units() {
    return switch (name) {
      case "poisson" -> 1;
      case "mixture_normal" -> 3 * components;
      default -> 2;
    };
  }

  /** @return what the output units hold, for messages */
  public String unitsMeaning() {
    return switch (name) {
      case "normal" -> "the mean and the standard deviation before softplus";
      case "poisson" -> "the log rate";
      case "negative_binomial" -> "the log mean and the dispersion before softplus";
      case "zero_inflated_poisson" -> "the log rate and the logit of the zero-inflation"
          + " probability";
      default -> components + " mixture logits, " + components + " means and " + components
          + " standard deviations before softplus";
    };
  }

  /** @return the names of the parameters {@link Row#parameters()} returns, in order */
  public List<String> parameterNames() {
    return switch (name) {
      case "normal" -> List.of("mean", "stddev");
      case "poisson" -> List.of("rate");
      case "negative_binomial" -> List.of("mean", "dispersion");
      case "zero_inflated_poisson" -> List.of("rate", "zero_probability");
      default -> {
        String[] n = new String[3 * components];
        for (int k = 0; k < components; k++) {
          n[k] = "weight_" + k;
          n[components + k] = "mean_" + k;
          n[2 * components + k] = "stddev_" + k;
        }
        yield List.of(n);
      }
    };
  }

  /**
   * @param u the raw outputs of a batch
   * @param offset where this row's outputs start
   * @return the row's distribution
   */
  public Row row(float[] u, int offset) {
    return switch (name) {
      case "normal" -> new Normal(u[offset], softplus(u[offset + 1]) + SCALE_FLOOR);
      case "poisson" -> new Poisson(Math.exp(u[offset]));
      case "negative_binomial" ->
          new NegativeBinomial(Math.exp(u[offset]), softplus(u[offset + 1]) + SCALE_FLOOR);
      case "zero_inflated_poisson" ->
          new ZeroInflatedPoisson(Math.exp(u[offset]), sigmoid(u[offset + 1]));
      default -> {
        int k = components;
        double[] w = new double[k];
        double[] mu = new double[k];
        double[] sd = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
          max = Math.max(max, u[offset + i]);
        }
        double sum = 0;
        for (int i = 0; i < k; i++) {
          w[i] = Math.exp(u[offset + i] - max);
          sum += w[i];
        }
        for (int i = 0; i < k; i++) {
          w[i] /= sum;
          mu[i] = u[offset + k + i];
          sd[i] = softplus(u[offset + 2 * k + i]) + SCALE_FLOOR;
        }
        yield new NormalMixture(w, mu, sd);
      }
    };
  }

  /**
   * @param p the parameters {@link Row#parameters()} returned
   * @return the distribution they describe
   */
  public Row fromParameters(double[] p) {
    if (p.length != parameterNames().size()) {
      throw new IllegalArgumentException(
          "Distribution " + name + " has " + parameterNames().size() + " parameters "
              + parameterNames() + "; received " + p.length + ".");
    }
    return switch (name) {
      case "normal" -> new Normal(p[0], p[1]);
      case "poisson" -> new Poisson(p[0]);
      case "negative_binomial" -> new NegativeBinomial(p[0], p[1]);
      case "zero_inflated_poisson" -> new ZeroInflatedPoisson(p[0], p[1]);
      default -> {
        int k = components;
        yield new NormalMixture(java.util.Arrays.copyOfRange(p, 0, k),
            java.util.Arrays.copyOfRange(p, k, 2 * k), java.util.Arrays.copyOfRange(p, 2 * k, 3 * k));
      }
    };
  }

  /**
   * The equal-weight mixture of several predictive distributions of one row: what T Monte
   * Carlo dropout passes predict together.
   *
   * @param rows the rows' distributions, one per pass
   * @param discrete whether the label takes integer values
   * @return their mixture
   */
  public static Row mixtureOf(List<Row> rows, boolean discrete) {
    return new Mixture(rows, discrete);
  }

  /** One row's predictive distribution. */
  public interface Row {
    /** @return the mean */
    double mean();

    /** @return the variance */
    double variance();

    /** @return the standard deviation */
    default double stddev() {
      return Math.sqrt(variance());
    }

    /** @return log p(y): the density (continuous) or the probability (counts) */
    double logDensity(double y);

    /** @return P(Y ≤ y) */
    double cdf(double y);

    /** @return whether the values are integers */
    boolean discrete();

    /** @return the distribution's parameters, in {@link #parameterNames()}' order */
    double[] parameters();

    /**
     * Whether {@code y} lies in the central interval of probability {@code level}, i.e. between
     * the quantiles at (1 − level) / 2 and (1 + level) / 2, decided from the CDF at {@code y}
     * without computing the quantiles.
     */
    default boolean covers(double y, double level) {
      double a = (1 - level) / 2;
      double b = (1 + level) / 2;
      if (discrete()) {
        // y ≥ q(a) ⇔ cdf(⌊y⌋) ≥ a; y ≤ q(b) ⇔ ⌈y⌉ ≤ q(b) ⇔ cdf(⌈y⌉ − 1) < b
        double up = Math.ceil(y);
        return cdf(y) >= a && (up <= 0 || cdf(up - 1) < b);
      }
      double c = cdf(y);
      return c >= a && c <= b;
    }

    /**
     * @param p a probability in (0, 1)
     * @return the quantile: the smallest integer k with P(Y ≤ k) ≥ p for counts, the value
     *     with P(Y ≤ q) = p otherwise
     */
    default double quantile(double p) {
      if (discrete()) {
        return discreteQuantile(this, p);
      }
      return continuousQuantile(this, p);
    }
  }

  record Normal(double mu, double sigma) implements Row {
    @Override
    public double mean() {
      return mu;
    }

    @Override
    public double variance() {
      return sigma * sigma;
    }

    @Override
    public double logDensity(double y) {
      double z = (y - mu) / sigma;
      return -Math.log(sigma) - 0.5 * z * z - HALF_LOG_TWO_PI;
    }

    @Override
    public double cdf(double y) {
      return 0.5 * Erf.erfc(-(y - mu) / (sigma * Math.sqrt(2)));
    }

    @Override
    public double quantile(double p) {
      return mu + sigma * Math.sqrt(2) * Erf.erfInv(2 * p - 1);
    }

    @Override
    public boolean discrete() {
      return false;
    }

    @Override
    public double[] parameters() {
      return new double[] {mu, sigma};
    }
  }

  record Poisson(double rate) implements Row {
    @Override
    public double mean() {
      return rate;
    }

    @Override
    public double variance() {
      return rate;
    }

    @Override
    public double logDensity(double y) {
      return y * Math.log(rate) - rate - Gamma.logGamma(y + 1);
    }

    @Override
    public double cdf(double y) {
      if (y < 0) {
        return 0;
      }
      return Gamma.regularizedGammaQ(Math.floor(y) + 1, rate);
    }

    @Override
    public boolean discrete() {
      return true;
    }

    @Override
    public double[] parameters() {
      return new double[] {rate};
    }
  }

  record NegativeBinomial(double mu, double alpha) implements Row {
    @Override
    public double mean() {
      return mu;
    }

    @Override
    public double variance() {
      return mu + alpha * mu * mu;
    }

    @Override
    public double logDensity(double y) {
      double r = 1 / alpha;
      double logRmu = Math.log(r + mu);
      return Gamma.logGamma(y + r) - Gamma.logGamma(r) - Gamma.logGamma(y + 1)
          + r * (Math.log(r) - logRmu) + y * (Math.log(mu) - logRmu);
    }

    @Override
    public double cdf(double y) {
      if (y < 0) {
        return 0;
      }
      double r = 1 / alpha;
      return Beta.regularizedBeta(r / (r + mu), r, Math.floor(y) + 1);
    }

    @Override
    public boolean discrete() {
      return true;
    }

    @Override
    public double[] parameters() {
      return new double[] {mu, alpha};
    }
  }

  record ZeroInflatedPoisson(double rate, double pi) implements Row {
    @Override
    public double mean() {
      return (1 - pi) * rate;
    }

    @Override
    public double variance() {
      return (1 - pi) * rate * (1 + pi * rate);
    }

    @Override
    public double logDensity(double y) {
      double poisson = y * Math.log(rate) - rate - Gamma.logGamma(y + 1);
      if (y == 0) {
        return Math.log(pi + (1 - pi) * Math.exp(-rate));
      }
      return Math.log1p(-pi) + poisson;
    }

    @Override
    public double cdf(double y) {
      if (y < 0) {
        return 0;
      }
      return pi + (1 - pi) * Gamma.regularizedGammaQ(Math.floor(y) + 1, rate);
    }

    @Override
    public boolean discrete() {
      return true;
    }

    @Override
    public double[] parameters() {
      return new double[] {rate, pi};
    }
  }

  record NormalMixture(double[] w, double[] mu, double[] sd) implements Row {
    @Override
    public double mean() {
      double m = 0;
      for (int k = 0; k < w.length; k++) {
        m += w[k] * mu[k];
      }
      return m;
    }

    @Override
    public double variance() {
      double m = mean();
      double second = 0;
      for (int k = 0; k < w.length; k++) {
        second += w[k] * (sd[k] * sd[k] + mu[k] * mu[k]);
      }
      return Math.max(second - m * m, 0);
    }

    @Override
    public double logDensity(double y) {
      double[] terms = new double[w.length];
      for (int k = 0; k < w.length; k++) {
        terms[k] = Math.log(w[k]) + new Normal(mu[k], sd[k]).logDensity(y);
      }
      return logSumExp(terms);
    }

    @Override
    public double cdf(double y) {
      double c = 0;
      for (int k = 0; k < w.length; k++) {
        c += w[k] * new Normal(mu[k], sd[k]).cdf(y);
      }
      return c;
    }

    @Override
    public boolean discrete() {
      return false;
    }

    @Override
    public double[] parameters() {
      double[] p = new double[3 * w.length];
      System.arraycopy(w, 0, p, 0, w.length);
      System.arraycopy(mu, 0, p, w.length, w.length);
      System.arraycopy(sd, 0, p, 2 * w.length, w.length);
      return p;
    }
  }

  /** An equal-weight mixture of rows (Monte Carlo dropout passes). */
  record Mixture(List<Row> rows, boolean discrete) implements Row {
    @Override
    public double mean() {
      double m = 0;
      for (Row r : rows) {
        m += r.mean();
      }
      return m / rows.size();
    }

    @Override
    public double variance() {
      // the law of total variance: the mean of the variances plus the variance of the means
      double m = mean();
      double v = 0;
      for (Row r : rows) {
        double d = r.mean() - m;
        v += r.variance() + d * d;
      }
      return v / rows.size();
    }

    @Override
    public double logDensity(double y) {
      double[] t = new double[rows.size()];
      for (int i = 0; i < t.length; i++) {
        t[i] = rows.get(i).logDensity(y);
      }
      return logSumExp(t) - Math.log(t.length);
    }

    @Override
    public double cdf(double y) {
      double c = 0;
      for (Row r : rows) {
        c += r.cdf(y);
      }
      return c / rows.size();
    }

    @Override
    public double[] parameters() {
      throw new UnsupportedOperationException("a Monte Carlo mixture has no parameter vector");
    }
  }

  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

  static double softplus(double u) {
    return Math.max(u, 0) + Math.log1p(Math.exp(-Math.abs(u)));
  }

  static double sigmoid(double u) {
    return u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u));
  }

  static double logSumExp(double[] t) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : t) {
      max = Math.max(max, v);
    }
    if (max == Double.NEGATIVE_INFINITY) {
      return max;
    }
    double s = 0;
    for (double v : t) {
      s += Math.exp(v - max);
    }
    return max + Math.log(s);
  }

  /** The smallest integer k ≥ 0 with cdf(k) ≥ p: doubling, then bisection. */
  private static double discreteQuantile(Row d, double p) {
    if (d.cdf(0) >= p) {
      return 0;
    }
    long hi = Math.max(1, (long) Math.ceil(d.mean()));
    while (d.cdf(hi) < p) {
      if (hi > (1L << 50)) {
        return Double.POSITIVE_INFINITY;
      }
      hi *= 2;
    }
    long lo = 0; // cdf(lo) < p <= cdf(hi)
    while (hi - lo > 1) {
      long mid = lo + (hi - lo) / 2;
      if (d.cdf(mid) >= p) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  /** The value with cdf(q) = p, by bisection from a bracket around the mean. */
  private static double continuousQuantile(Row d, double p) {
    double m = d.mean();
    double s = Math.max(d.stddev(), 1e-12);
    double lo = m - s;
    double hi = m + s;
    while (d.cdf(lo) > p) {
      lo -= 2 * (hi - lo);
    }
    while (d.cdf(hi) < p) {
      hi += 2 * (hi - lo);
    }
    for (int i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(m)); i++) {
      double mid = 0.5 * (lo + hi);
      if (d.cdf(mid) < p) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return 0.5 * (lo + hi);
  }
}
