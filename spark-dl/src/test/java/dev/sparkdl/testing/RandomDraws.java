package dev.sparkdl.testing;

import java.util.SplittableRandom;

/** Seeded draws from the distributions the tests generate data with. */
public final class RandomDraws {
  private RandomDraws() {}

  /** @return a standard normal draw (Box-Muller) */
  public static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  /** @return a Poisson draw (Knuth's method: fine for the small rates of the tests) */
  public static int poisson(SplittableRandom r, double rate) {
    double limit = Math.exp(-rate);
    double p = 1;
    int k = 0;
    while ((p *= r.nextDouble()) > limit) {
      k++;
    }
    return k;
  }
}
