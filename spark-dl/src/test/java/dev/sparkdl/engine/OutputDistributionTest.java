package dev.sparkdl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each distribution's host arithmetic against its definition: probabilities sum to one, the
 * mean and variance equal the sums (integrals) over the probabilities, and quantiles invert
 * the CDF.
 */
class OutputDistributionTest {

  private static List<OutputDistribution.Row> discrete() {
    return List.of(new OutputDistribution.Poisson(3.7),
        new OutputDistribution.NegativeBinomial(6.2, 0.4),
        new OutputDistribution.ZeroInflatedPoisson(5.1, 0.3));
  }

  @Test
  void countDistributionsSumToOneWithTheirMeanAndVariance() {
    for (OutputDistribution.Row d : discrete()) {
      double total = 0;
      double m1 = 0;
      double m2 = 0;
      for (int k = 0; k < 2000; k++) {
        double p = Math.exp(d.logDensity(k));
        total += p;
        m1 += k * p;
        m2 += (double) k * k * p;
        assertEquals(total, d.cdf(k), 1e-9, d + " cdf at " + k);
      }
      assertEquals(1, total, 1e-9, d.toString());
      assertEquals(d.mean(), m1, 1e-8, d.toString());
      assertEquals(d.variance(), m2 - m1 * m1, 1e-6, d.toString());
    }
  }

  @Test
  void countQuantilesAreTheSmallestCountsReachingTheProbability() {
    for (OutputDistribution.Row d : discrete()) {
      for (double p : new double[] {0.025, 0.3, 0.5, 0.9, 0.975}) {
        double q = d.quantile(p);
        assertEquals(Math.rint(q), q);
        assertTrue(d.cdf(q) >= p, d + " " + p);
        assertTrue(q == 0 || d.cdf(q - 1) < p, d + " " + p);
      }
      for (double level : new double[] {0.5, 0.9, 0.95}) {
        double lo = d.quantile((1 - level) / 2);
        double hi = d.quantile((1 + level) / 2);
        for (double y = -1; y <= 40; y += 0.5) {
          assertEquals(y >= lo && y <= hi, d.covers(y, level), d + " " + level + " " + y);
        }
      }
    }
  }

  @Test
  void normalMixtureIntegratesToItsMomentsAndInvertsItsCdf() {
    OutputDistribution.Row d = OutputDistribution.of("mixture_normal", 2)
        .fromParameters(new double[] {0.3, 0.7, -2, 1.5, 0.5, 1.2});
    double h = 1e-3;
    double total = 0;
    double m1 = 0;
    double m2 = 0;
    for (double y = -12; y < 12; y += h) {
      double p = Math.exp(d.logDensity(y)) * h;
      total += p;
      m1 += y * p;
      m2 += y * y * p;
    }
    assertEquals(1, total, 1e-6);
    assertEquals(0.3 * -2 + 0.7 * 1.5, d.mean(), 1e-12);
    assertEquals(d.mean(), m1, 1e-5);
    assertEquals(d.variance(), m2 - m1 * m1, 1e-4);
    for (double p : new double[] {0.01, 0.25, 0.5, 0.9}) {
      assertEquals(p, d.cdf(d.quantile(p)), 1e-9);
    }
    OutputDistribution.Row n = new OutputDistribution.Normal(1, 2);
    assertEquals(1 + 2 * 1.959963984540054, n.quantile(0.975), 1e-9);
  }

  @Test
  void monteCarloMixtureAddsTheSpreadOfTheMeans() {
    List<OutputDistribution.Row> passes = List.of(new OutputDistribution.Normal(0, 1),
        new OutputDistribution.Normal(2, 1));
    OutputDistribution.Row m = OutputDistribution.mixtureOf(passes, false);
    assertEquals(1, m.mean(), 1e-12);
    assertEquals(1 + 1, m.variance(), 1e-12); // mean variance 1 + variance of the means 1
    assertEquals(0.5, m.cdf(1), 1e-12);
    assertEquals(1, m.quantile(0.5), 1e-9);
  }

  @Test
  void parametersRoundTrip() {
    float[] u = {0.3f, -1.2f, 0.8f, 1.5f, -0.5f, 0.2f};
    OutputDistribution d = OutputDistribution.of("mixture_normal", 2);
    OutputDistribution.Row a = d.row(u, 0);
    OutputDistribution.Row b = d.fromParameters(a.parameters());
    assertEquals(a.logDensity(0.7), b.logDensity(0.7), 1e-12);
    assertEquals(List.of("weight_0", "weight_1", "mean_0", "mean_1", "stddev_0", "stddev_1"),
        d.parameterNames());
  }
}
