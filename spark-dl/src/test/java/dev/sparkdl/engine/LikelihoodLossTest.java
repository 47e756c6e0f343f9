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
}
