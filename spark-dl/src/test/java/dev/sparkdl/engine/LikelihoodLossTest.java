package dev.sparkdl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.spec.CompileOptions;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Loss;
import dev.sparkdl.spec.Optimizer;
import dev.sparkdl.spec.Sequential;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The likelihood losses against their closed forms, computed by hand in double precision. */
class LikelihoodLossTest {
  private static final int N = 16;

  private static float[] inputs(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[N * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble(-2, 2);
    }
    return x;
  }

  private static CompileOptions compile(String loss) {
    return new CompileOptions(Loss.of(loss), Optimizer.fromJson("adam"), List.of("mse"));
  }

  @Test
  void normalNllIsLogSigmaPlusSquaredErrorOverTwoVariancePlusHalfLogTwoPi() {
    Sequential spec = Sequential.of(Dense.units(2)).inputShape(3);
    try (Network net = Network.create(spec, compile("normal_nll"), 11)) {
      assertEquals(1, net.targetSize());
      float[] x = inputs(1);
      float[] raw = new float[N * 2];
      net.predict(x, N, raw, null);
      SplittableRandom r = new SplittableRandom(2);
      float[] y = new float[N];
      double sum = 0;
      double se = 0;
      for (int i = 0; i < N; i++) {
        y[i] = (float) r.nextDouble(-3, 3);
        double mu = raw[2 * i];
        double sigma = Math.log1p(Math.exp(raw[2 * i + 1])) + 1e-6;
        sum += Math.log(sigma) + (y[i] - mu) * (y[i] - mu) / (2 * sigma * sigma)
            + 0.5 * Math.log(2 * Math.PI);
        se += (y[i] - mu) * (y[i] - mu);
      }
      BatchStats stats = net.evaluate(x, y, N);
      assertEquals(sum / N, stats.meanLoss(), 1e-5);
      // the metrics see the mean, not the two raw outputs
      assertEquals(se / N, stats.meanMetric(0), 1e-5);
    }
  }

  @Test
  void poissonNllIsRateMinusYLogRatePlusLogFactorial() {
    Sequential spec = Sequential.of(Dense.units(1)).inputShape(3);
    try (Network net = Network.create(spec, compile("poisson_nll"), 12)) {
      float[] x = inputs(3);
      float[] raw = new float[N];
      net.predict(x, N, raw, null);
      SplittableRandom r = new SplittableRandom(4);
      float[] y = new float[N];
      double sum = 0;
      for (int i = 0; i < N; i++) {
        y[i] = r.nextInt(0, 30);
        double logFactorial = 0;
        for (int k = 2; k <= y[i]; k++) {
          logFactorial += Math.log(k);
        }
        sum += Math.exp(raw[i]) - y[i] * raw[i] + logFactorial;
      }
      assertEquals(sum / N, net.evaluate(x, y, N).meanLoss(), 1e-5);
    }
  }

  @Test
  void logGammaMatchesFactorials() {
    double f = 1;
    for (int n = 1; n < 25; n++) {
      f *= n;
      assertEquals(Math.log(f), LossFunction.logGamma(n + 1), 1e-9 * Math.max(1, Math.log(f)));
    }
    assertEquals(0.5 * Math.log(Math.PI), LossFunction.logGamma(0.5), 1e-12);
  }

  @Test
  void trainingLowersTheNormalNll() {
    Sequential spec = Sequential.of(Dense.units(2)).inputShape(3);
    try (Network net = Network.create(spec, compile("normal_nll"), 13)) {
      float[] x = inputs(5);
      float[] y = new float[N];
      for (int i = 0; i < N; i++) {
        y[i] = x[3 * i] * 2 - x[3 * i + 1];
      }
      double first = net.evaluate(x, y, N).meanLoss();
      for (int s = 0; s < 200; s++) {
        net.trainBatch(x, y, N);
      }
      assertTrue(net.evaluate(x, y, N).meanLoss() < first - 1, "NLL did not fall from " + first);
    }
  }

  private static double softplus(double u) {
    return Math.log1p(Math.exp(u));
  }

  private static float[] counts(long seed, boolean zeros) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] y = new float[N];
    for (int i = 0; i < N; i++) {
      y[i] = zeros && i % 3 == 0 ? 0 : r.nextInt(0, 25);
    }
    return y;
  }

  @Test
  void negativeBinomialNllMatchesItsClosedForm() {
    Sequential spec = Sequential.of(Dense.units(2)).inputShape(3);
    try (Network net = Network.create(spec, compile("negative_binomial_nll"), 21)) {
      assertEquals(1, net.targetSize());
      float[] x = inputs(6);
      float[] raw = new float[N * 2];
      net.predict(x, N, raw, null);
      float[] y = counts(7, false);
      OutputDistribution host = OutputDistribution.of("negative_binomial", 1);
      double sum = 0;
      for (int i = 0; i < N; i++) {
        double mu = Math.exp(raw[2 * i]);
        double alpha = softplus(raw[2 * i + 1]) + 1e-6;
        double r = 1 / alpha;
        // Γ(y + r) / (Γ(r) y!) (r / (r + μ))^r (μ / (r + μ))^y
        double logP = LossFunction.logGamma(y[i] + r) - LossFunction.logGamma(r)
            - LossFunction.logGamma(y[i] + 1) + r * Math.log(r / (r + mu))
            + y[i] * Math.log(mu / (r + mu));
        sum -= logP;
        assertEquals(logP, host.row(raw, 2 * i).logDensity(y[i]), 1e-9);
      }
      BatchStats stats = net.evaluate(x, y, N);
      assertEquals(sum / N, stats.meanLoss(), 1e-4);
    }
  }

  @Test
  void zeroInflatedPoissonNllMatchesItsClosedForm() {
    Sequential spec = Sequential.of(Dense.units(2)).inputShape(3);
    try (Network net = Network.create(spec, compile("zero_inflated_poisson_nll"), 22)) {
      float[] x = inputs(8);
      float[] raw = new float[N * 2];
      net.predict(x, N, raw, null);
      float[] y = counts(9, true);
      OutputDistribution host = OutputDistribution.of("zero_inflated_poisson", 1);
      double sum = 0;
      for (int i = 0; i < N; i++) {
        double rate = Math.exp(raw[2 * i]);
        double pi = 1 / (1 + Math.exp(-raw[2 * i + 1]));
        double poisson = Math.exp(-rate) * Math.pow(rate, y[i])
            / Math.exp(LossFunction.logGamma(y[i] + 1));
        double p = (y[i] == 0 ? pi : 0) + (1 - pi) * poisson;
        sum -= Math.log(p);
        assertEquals(Math.log(p), host.row(raw, 2 * i).logDensity(y[i]), 1e-9);
      }
      assertEquals(sum / N, net.evaluate(x, y, N).meanLoss(), 1e-4);
    }
  }

  @Test
  void mixtureNormalNllMatchesItsClosedForm() {
    int k = 3;
    Sequential spec = Sequential.of(Dense.units(3 * k)).inputShape(3);
    try (Network net = Network.create(spec, compile("mixture_normal_nll"), 23)) {
      float[] x = inputs(10);
      float[] raw = new float[N * 3 * k];
      net.predict(x, N, raw, null);
      SplittableRandom r = new SplittableRandom(11);
      float[] y = new float[N];
      OutputDistribution host = OutputDistribution.of("mixture_normal", k);
      double sum = 0;
      for (int i = 0; i < N; i++) {
        y[i] = (float) r.nextDouble(-3, 3);
        int o = 3 * k * i;
        double norm = 0;
        for (int c = 0; c < k; c++) {
          norm += Math.exp(raw[o + c]);
        }
        double density = 0;
        for (int c = 0; c < k; c++) {
          double w = Math.exp(raw[o + c]) / norm;
          double mu = raw[o + k + c];
          double sd = softplus(raw[o + 2 * k + c]) + 1e-6;
          density += w * Math.exp(-0.5 * (y[i] - mu) * (y[i] - mu) / (sd * sd))
              / (sd * Math.sqrt(2 * Math.PI));
        }
        sum -= Math.log(density);
        assertEquals(Math.log(density), host.row(raw, o).logDensity(y[i]), 1e-9);
      }
      assertEquals(sum / N, net.evaluate(x, y, N).meanLoss(), 1e-4);
    }
  }

  @Test
  void nllAndCoverageMetricsScoreTheTargets() {
    Sequential spec = Sequential.of(Dense.units(2)).inputShape(3);
    CompileOptions c = new CompileOptions(Loss.of("normal_nll"), Optimizer.fromJson("adam"),
        List.of("nll", "coverage", "coverage_50"));
    try (Network net = Network.create(spec, c, 24)) {
      float[] x = inputs(12);
      float[] raw = new float[N * 2];
      net.predict(x, N, raw, null);
      SplittableRandom r = new SplittableRandom(13);
      float[] y = new float[N];
      int in95 = 0;
      int in50 = 0;
      for (int i = 0; i < N; i++) {
        y[i] = (float) r.nextDouble(-3, 3);
        double sd = softplus(raw[2 * i + 1]) + 1e-6;
        double zScore = Math.abs(y[i] - raw[2 * i]) / sd;
        in95 += zScore <= 1.959963984540054 ? 1 : 0;
        in50 += zScore <= 0.6744897501960817 ? 1 : 0;
      }
      BatchStats stats = net.evaluate(x, y, N);
      assertEquals(stats.meanLoss(), stats.meanMetric(0), 1e-5); // no penalties: nll = loss
      assertEquals(in95 / (double) N, stats.meanMetric(1), 1e-9);
      assertEquals(in50 / (double) N, stats.meanMetric(2), 1e-9);
    }
  }

  @Test
  void trainingLowersEveryNewNll() {
    for (String loss : List.of("negative_binomial_nll", "zero_inflated_poisson_nll",
        "mixture_normal_nll")) {
      int units = loss.startsWith("mixture") ? 6 : 2;
      Sequential spec = Sequential.of(Dense.units(units)).inputShape(3);
      try (Network net = Network.create(spec, compile(loss), 25)) {
        float[] x = inputs(14);
        float[] y = counts(15, loss.startsWith("zero"));
        double first = net.evaluate(x, y, N).meanLoss();
        for (int s = 0; s < 300; s++) {
          net.trainBatch(x, y, N);
        }
        double last = net.evaluate(x, y, N).meanLoss();
        assertTrue(Double.isFinite(last) && last < first - 0.5,
            loss + ": NLL went from " + first + " to " + last);
      }
    }
  }
}
