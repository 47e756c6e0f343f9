package dev.sparkdl.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.engine.Network;
import dev.sparkdl.engine.WeightLayout;
import dev.sparkdl.engine.WeightSnapshot;
import dev.sparkdl.spec.BatchNormalization;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Sequential;
import org.junit.jupiter.api.Test;

/** The averaging strategy's automatic choices and the driver's outer update, without Spark. */
class AveragingTest {
  private static final Averaging DEFAULTS = new Averaging(0, -1, "auto", -1, true);

  @Test
  void oneWorkerTrainsAsOneMachine() {
    Averaging.Resolved r = DEFAULTS.resolve(1, 469, false);
    assertEquals(469, r.frequency());
    assertEquals(1, r.roundsPerEpoch());
    assertEquals(0, r.outerMomentum());
    assertEquals(1, r.learningRateFactor(0));
  }

  @Test
  void severalWorkersAverageAboutFourTimesPerEpoch() {
    Averaging.Resolved two = DEFAULTS.resolve(2, 235, false);
    assertEquals(59, two.frequency());
    assertEquals(4, two.roundsPerEpoch());
    assertEquals(0.5, two.outerMomentum(), 1e-12);
    assertEquals(Math.sqrt(2), two.learningRateFactor(3.5), 1e-12);

    Averaging.Resolved sixteen = DEFAULTS.resolve(16, 30, false);
    assertEquals(8, sixteen.frequency());
    assertEquals(4, sixteen.roundsPerEpoch());
    assertEquals(0.9, sixteen.outerMomentum(), 1e-12); // 1 - 1/16 capped at 0.9
    assertEquals(4, sixteen.learningRateFactor(0), 1e-12);
    assertEquals(0, sixteen.warmupEpochs()); // the square-root rule needs no warm-up

    // Adam keeps a momentum of its own: plain average, linear scaling; up to 16 workers a
    // warm-up of 2 epochs but at most 50 steps, 2 epochs from 32, in between rising with log2
    Averaging.Resolved adam16 = DEFAULTS.resolve(16, 235, true);
    assertEquals(0, adam16.outerMomentum());
    assertEquals(50 / 235.0, adam16.warmupEpochs(), 1e-12);
    assertEquals(16, adam16.learningRateFactor(1), 1e-12);
    assertEquals(2, DEFAULTS.resolve(2, 5, true).warmupEpochs(), 1e-12); // small data: 2 epochs
    assertEquals(1.5, DEFAULTS.resolve(2, 5, true).learningRateFactor(1), 1e-12);
    Averaging.Resolved adam = DEFAULTS.resolve(32, 30, true);
    assertEquals(2, adam.warmupEpochs());
    assertEquals(1, adam.learningRateFactor(0), 1e-12);
    assertEquals(16.5, adam.learningRateFactor(1), 1e-12);
    assertEquals(32, adam.learningRateFactor(2), 1e-12);
    assertEquals(2, DEFAULTS.resolve(200, 235, true).warmupEpochs());
    double shortWarmup = 50 / 235.0;
    assertEquals(shortWarmup + (2 - shortWarmup) * Math.log(1.5) / Math.log(2),
        DEFAULTS.resolve(24, 235, true).warmupEpochs(), 1e-12);
    Averaging.Resolved adamOne = DEFAULTS.resolve(1, 30, true);
    assertEquals(0, adamOne.warmupEpochs());
    assertEquals(1, adamOne.learningRateFactor(0.5), 1e-12);
    // an explicit linear scaling gets the automatic warm-up too, an explicit warm-up is kept
    assertEquals(2, new Averaging(0, -1, "linear", -1, true).resolve(64, 30, false).warmupEpochs());
    assertEquals(50 / 300.0,
        new Averaging(0, -1, "linear", -1, true).resolve(4, 300, false).warmupEpochs(), 1e-12);
    assertEquals(0.5, new Averaging(0, -1, "linear", 0.5, true).resolve(4, 30, true).warmupEpochs());

    Averaging.Resolved tiny = DEFAULTS.resolve(8, 2, false); // fewer minibatches than rounds
    assertEquals(1, tiny.frequency());
    assertEquals(2, tiny.roundsPerEpoch());
    assertEquals(0.875, tiny.outerMomentum(), 1e-12);
  }

  @Test
  void explicitChoicesAreKept() {
    Averaging.Resolved r = new Averaging(5, 0.3, "linear", 2, false).resolve(4, 23, true);
    assertEquals(5, r.frequency());
    assertEquals(5, r.roundsPerEpoch());
    assertEquals(0.3, r.outerMomentum(), 1e-12);
    assertEquals(1, r.learningRateFactor(0), 1e-12); // warm-up from 1 ...
    assertEquals(2.5, r.learningRateFactor(1), 1e-12); // ... halfway after one of two epochs
    assertEquals(4, r.learningRateFactor(2), 1e-12);
    assertTrue(!r.recomputeStatistics());

    Averaging.Resolved plain = Averaging.plain().resolve(32, 15, false);
    assertEquals(15, plain.frequency());
    assertEquals(1, plain.roundsPerEpoch());
    assertEquals(0, plain.outerMomentum());
    assertEquals(1, plain.learningRateFactor(0));
    assertTrue(plain.describe().startsWith("averaging once per epoch"), plain.describe());
  }

  @Test
  void badSettingsAreNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new Averaging(0, 1.0, "sqrt", 0, true)).getMessage().contains("outerMomentum"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new Averaging(0, -1, "cubic", 0, true)).getMessage()
        .contains("[auto, none, sqrt, linear]"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new Averaging(0, -1, "auto", -2, true)).getMessage().contains("-1 for auto"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new Averaging(-2, -1, "sqrt", 0, true)).getMessage().contains(">= 0"));
  }

  /**
   * Nesterov on the averaged change: {@code v = m v + d; w = w0 + m v + d}, checked against the
   * formula by hand for two rounds; running statistics take the plain average.
   */
  @Test
  void outerMomentumFollowsNesterovsFormula() {
    WeightLayout layout;
    WeightSnapshot w0;
    try (Network net = Network.create(
        Sequential.of(BatchNormalization.defaults(), Dense.units(1)).inputShape(2), null, 1)) {
      layout = net.layout();
      w0 = net.weights();
    }
    // arrays: gamma, beta, moving mean, moving variance, kernel, bias
    assertEquals(1, layout.normalizationLayers());
    assertEquals(2, layout.movingMean(0));
    assertEquals(3, layout.movingVariance(0));
    assertTrue(layout.trainable(0) && !layout.trainable(2) && layout.trainable(4));
    OuterOptimizer outer = new OuterOptimizer(layout, 0.5, null);
    float k0 = w0.values(4)[0];
    float[][] avg1 = copy(w0);
    avg1[4][0] = k0 + 0.2f; // the partitions moved the kernel by 0.2 on average
    avg1[2][0] = 7f; // and their moving means averaged to 7
    WeightSnapshot w1 = outer.step(w0, avg1);
    // v = 0.2; w = w0 + 0.5 * 0.2 + 0.2
    assertEquals(k0 + 0.3f, w1.values(4)[0], 1e-6);
    assertEquals(7f, w1.values(2)[0]);
    float[][] avg2 = copy(w1);
    avg2[4][0] = w1.values(4)[0] + 0.1f;
    WeightSnapshot w2 = outer.step(w1, avg2);
    // v = 0.5 * 0.2 + 0.1 = 0.2; w = w1 + 0.5 * 0.2 + 0.1
    assertEquals(k0 + 0.3f + 0.2f, w2.values(4)[0], 1e-6);
    assertArrayEquals(new float[] {0.2f}, new float[] {outer.velocity()[4][0]}, 1e-6f);
    assertNull(outer.velocity()[2], "no velocity for running statistics");

    // without momentum the outer step is the plain average
    float[][] avg = copy(w0);
    avg[4][1] = 3f;
    assertEquals(3f, new OuterOptimizer(layout, 0, null).step(w0, avg).values(4)[1]);
  }

  private static float[][] copy(WeightSnapshot w) {
    float[][] c = new float[w.size()][];
    for (int i = 0; i < c.length; i++) {
      c[i] = w.values(i).clone();
    }
    return c;
  }
}
