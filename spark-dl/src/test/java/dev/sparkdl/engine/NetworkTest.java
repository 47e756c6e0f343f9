package dev.sparkdl.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.spec.Activation;
import dev.sparkdl.spec.BatchNormalization;
import dev.sparkdl.spec.CompileOptions;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Dropout;
import dev.sparkdl.spec.LearningRateSchedule;
import dev.sparkdl.spec.Loss;
import dev.sparkdl.spec.Optimizer;
import dev.sparkdl.spec.Sequential;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class NetworkTest {

  @Test
  void courseForwardPassOneNeuron() {
    Sequential spec = Sequential.of(Dense.units(1).activation("sigmoid")).inputShape(2);
    try (Network net = Network.create(spec, null, 1)) {
      net.setKerasWeights(List.of(Tensor.of(new float[][] {{0.3f}, {0.1f}}), Tensor.of(1.0f)));
      float p = net.predict(new float[] {1f, 2.2f}, 1)[0];
      assertEquals(0.8205, p, 1e-4);
      assertEquals(1 / (1 + Math.exp(-1.52)), p, 1e-6);
    }
  }

  @Test
  void kerasWeightsKeepKerasLayoutAndRoundTrip() {
    Sequential spec =
        Sequential.of(Dense.units(3).activation("relu"), Dense.units(2)).inputShape(2);
    try (Network net = Network.create(spec, null, 7)) {
      float[][] k1 = {{1, 2, 3}, {4, 5, 6}};
      float[] b1 = {0.5f, -10f, 0f};
      float[][] k2 = {{1, 0}, {0, 1}, {1, 1}};
      float[] b2 = {0f, 1f};
      net.setKerasWeights(List.of(Tensor.of(k1), Tensor.of(b1), Tensor.of(k2), Tensor.of(b2)));
      // h = relu([1,1]·k1 + b1) = relu([5.5, -3, 9]) = [5.5, 0, 9]; out = h·k2 + b2 = [14.5, 10]
      assertArrayEquals(new float[] {14.5f, 10f}, net.predict(new float[] {1, 1}, 1), 1e-5f);
      List<Tensor> back = net.kerasWeights();
      assertEquals(Tensor.of(k1), back.get(0));
      assertEquals(Tensor.of(b1), back.get(1));
      assertEquals(Tensor.of(k2), back.get(2));
      assertEquals(Tensor.of(b2), back.get(3));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class,
              () -> net.setKerasWeights(List.of(Tensor.of(new float[][] {{1, 2}, {3, 4}, {5, 6}}),
                  Tensor.of(b1), Tensor.of(k2), Tensor.of(b2))));
      assertTrue(e.getMessage().contains("0_dense/kernel) must have shape [2, 3], received [3, 2]"),
          e.getMessage());
    }
  }

  @Test
  void seededInitialisationIsDeterministicAndKerasScaled() {
    Sequential spec = Sequential.of(Dense.units(50), BatchNormalization.defaults(),
        Dense.units(10).activation("softmax")).inputShape(30);
    try (Network a = Network.create(spec, null, 3); Network b = Network.create(spec, null, 3);
        Network c = Network.create(spec, null, 4)) {
      assertEquals(a.weights(), b.weights());
      assertNotEquals(a.weights(), c.weights());
      List<Tensor> w = a.kerasWeights();
      // glorot_uniform limit sqrt(6 / (30 + 50))
      double limit = Math.sqrt(6.0 / 80);
      float max = 0;
      for (float v : w.get(0).values()) {
        max = Math.max(max, Math.abs(v));
      }
      assertTrue(max <= limit && max > 0.9 * limit, "max |w| " + max + " vs limit " + limit);
      assertArrayEquals(new float[50], w.get(1).values()); // zeros bias
      assertEquals(8, w.size()); // kernel, bias, gamma, beta, mean, var, kernel, bias
      assertArrayEquals(new int[] {50}, w.get(5).shape());
      assertEquals(1f, w.get(5).values()[0]); // moving variance starts at 1
    }
  }

  /** A linear model with MSE has the gradient 2/n Σ (p - y) x; every optimizer is checked against Keras' formulas. */
  @Test
  void optimizerStepsFollowKerasFormulas() {
    List<Optimizer> optimizers = List.of(
        new Optimizer.SGD(0.1, 0.0, false),
        new Optimizer.SGD(0.1, 0.9, false),
        new Optimizer.SGD(0.1, 0.9, true),
        new Optimizer.Adam(0.1, 0.9, 0.999, 1e-7),
        new Optimizer.AdamW(0.1, 0.05, 0.9, 0.999, 1e-7),
        new Optimizer.RMSprop(0.1, 0.9, 0.0, 1e-7, false),
        new Optimizer.RMSprop(0.1, 0.9, 0.5, 1e-7, true),
        new Optimizer.Adagrad(0.1, 0.1, 1e-7),
        new Optimizer.Adadelta(1.0, 0.95, 1e-7));
    float[] x = {1f, 2f, -1f, 0.5f, 3f, -2f};
    float[] y = {1f, -1f, 2f};
    for (Optimizer o : optimizers) {
      Sequential spec = Sequential.of(Dense.units(1)).inputShape(2);
      try (Network net = Network.create(spec, new CompileOptions(Loss.of("mse"), o, List.of()), 1)) {
        double[] w = {0.3, -0.2, 0.1}; // w1, w2, b
        net.setKerasWeights(List.of(Tensor.of(new float[][] {{0.3f}, {-0.2f}}), Tensor.of(0.1f)));
        KerasReference ref = new KerasReference(o, 3);
        for (int step = 0; step < 4; step++) {
          double[] g = new double[3];
          for (int i = 0; i < 3; i++) {
            double p = w[0] * x[2 * i] + w[1] * x[2 * i + 1] + w[2];
            double r = 2.0 / 3 * (p - y[i]);
            g[0] += r * x[2 * i];
            g[1] += r * x[2 * i + 1];
            g[2] += r;
          }
          ref.step(w, g);
          net.trainBatch(x, y, 3);
        }
        List<Tensor> got = net.kerasWeights();
        float[] actual = {got.get(0).values()[0], got.get(0).values()[1], got.get(1).values()[0]};
        for (int i = 0; i < 3; i++) {
          assertEquals(w[i], actual[i], 2e-5, o + " weight " + i);
        }
      }
    }
  }

  @Test
  void aScheduledOptimizerUpdatesAsItsBase() {
    // a schedule that stays at 0.1, so the comparison holds however the rate is fed per step
    LearningRateSchedule constant =
        new LearningRateSchedule.PiecewiseConstantDecay(List.of(1000L), List.of(0.1, 0.1));
    Optimizer adam = new Optimizer.Adam(0.1, 0.9, 0.999, 1e-7);
    float[] x = {1f, 2f, -1f, 0.5f, 3f, -2f};
    float[] y = {1f, -1f, 2f};
    float[][] weights = new float[2][];
    Optimizer[] both = {adam, new Optimizer.Scheduled(adam, constant)};
    for (int k = 0; k < 2; k++) {
      Sequential spec = Sequential.of(Dense.units(1)).inputShape(2);
      try (Network net =
          Network.create(spec, new CompileOptions(Loss.of("mse"), both[k], List.of()), 1)) {
        net.setKerasWeights(List.of(Tensor.of(new float[][] {{0.3f}, {-0.2f}}), Tensor.of(0.1f)));
        for (int step = 0; step < 4; step++) {
          net.trainBatch(x, y, 3);
        }
        List<Tensor> got = net.kerasWeights();
        weights[k] = new float[] {got.get(0).values()[0], got.get(0).values()[1],
            got.get(1).values()[0]};
      }
    }
    assertArrayEquals(weights[0], weights[1]);
  }

  @Test
  void batchNormalizationMovesLikeKeras() {
    // Keras: moving_mean = m mean_B + ...; moving_variance = m * 1 + (1 - m) * the biased batch
    // variance (PyTorch's kernel would use the unbiased one, n / (n - 1) times larger)
    Sequential spec = Sequential.of(BatchNormalization.defaults().momentum(0.9),
        Dense.units(1).useBias(false)).inputShape(2);
    float[] x = {1f, 10f, 2f, 20f, 4f, 40f, 7f, 70f};
    float[] y = {0f, 0f, 0f, 0f};
    try (Network net = Network.create(spec, CompileOptions.of("mse", "sgd"), 1)) {
      net.trainBatch(x, y, 4);
      List<Tensor> w = net.kerasWeights();
      float[] mean = w.get(2).values();
      float[] variance = w.get(3).values();
      for (int c = 0; c < 2; c++) {
        double mu = 0;
        for (int r = 0; r < 4; r++) {
          mu += x[2 * r + c] / 4.0;
        }
        double biased = 0;
        for (int r = 0; r < 4; r++) {
          biased += Math.pow(x[2 * r + c] - mu, 2) / 4;
        }
        assertEquals(0.1 * mu, mean[c], 1e-4 * (1 + mu), "moving_mean " + c);
        assertEquals(0.9 + 0.1 * biased, variance[c], 1e-4 * (1 + biased),
            "moving_variance " + c);
      }
    }
  }

  @Test
  void binaryAccuracyThresholdsEveryOutput() {
    // two sigmoid outputs per sample (multi-label): Keras averages (p > 0.5) == y over them
    Sequential spec = Sequential.of(Dense.units(2).activation("sigmoid").useBias(false))
        .inputShape(2);
    float[] x = {2f, -1f, -3f, 0.5f, 1f, 1f};
    float[] y = {1f, 1f, 0f, 1f, 0f, 1f};
    try (Network net = Network.create(spec,
        CompileOptions.of("binary_crossentropy", "sgd", "binary_accuracy", "accuracy"), 1)) {
      net.setKerasWeights(List.of(Tensor.of(new float[][] {{1, 0}, {0, 1}})));
      // p > 0.5: (T, F) vs (1, 1) -> 1/2; (F, T) vs (0, 1) -> 1; (T, T) vs (0, 1) -> 1/2
      BatchStats s = net.evaluate(x, y, 3);
      assertEquals((0.5 + 1 + 0.5) / 3, s.meanMetric(0), 1e-6);
      // argmax-based accuracy differs: argmax (0, 1, 0) vs targets' (0, 1, 1) -> 2/3
      assertEquals(2.0 / 3, s.meanMetric(1), 1e-6);
    }
  }

  @Test
  void lossesMatchKerasValues() {
    // logits z = x·k for identity kernel: rows are the logits themselves
    Sequential soft = Sequential.of(Dense.units(3).activation("softmax").useBias(false)).inputShape(3);
    float[] x = {1f, 2f, 0.5f, -1f, 0f, 3f};
    float[] y = {0f, 1f, 0f, 0.2f, 0.3f, 0.5f};
    try (Network net = Network.create(soft, CompileOptions.of("categorical_crossentropy", "sgd", "accuracy"), 1)) {
      net.setKerasWeights(List.of(Tensor.of(new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}})));
      double expected = 0;
      for (int r = 0; r < 2; r++) {
        double lse = Math.log(Math.exp(x[3 * r]) + Math.exp(x[3 * r + 1]) + Math.exp(x[3 * r + 2]));
        for (int c = 0; c < 3; c++) {
          expected -= y[3 * r + c] * (x[3 * r + c] - lse);
        }
      }
      BatchStats s = net.evaluate(x, y, 2);
      assertEquals(expected / 2, s.meanLoss(), 1e-5);
      assertEquals(1.0, s.meanMetric(0), 1e-9); // argmax 1 == 1, argmax 2 == 2
    }
    Sequential sig = Sequential.of(Dense.units(1).activation("sigmoid").useBias(false)).inputShape(1);
    try (Network net = Network.create(sig, CompileOptions.of("binary_crossentropy", "sgd", "accuracy"), 1)) {
      net.setKerasWeights(List.of(Tensor.of(new float[][] {{1}})));
      float[] z = {2f, -30f, 0.5f};
      float[] t = {1f, 1f, 0f};
      double expected = 0;
      for (int i = 0; i < 3; i++) {
        double p = 1 / (1 + Math.exp(-z[i]));
        expected -= t[i] * Math.log(p) + (1 - t[i]) * Math.log(1 - p);
      }
      BatchStats s = net.evaluate(z, t, 3);
      assertEquals(expected / 3, s.meanLoss(), 1e-4);
      assertEquals(1.0 / 3, s.meanMetric(0), 1e-9);
    }
    Sequential lin = Sequential.of(Dense.units(1).useBias(false)).inputShape(1);
    CompileOptions huber = new CompileOptions(Loss.huber(1.0), Optimizer.named("sgd"), List.of("mae", "mse"));
    try (Network net = Network.create(lin, huber, 1)) {
      net.setKerasWeights(List.of(Tensor.of(new float[][] {{1}})));
      BatchStats s = net.evaluate(new float[] {0.5f, 3f}, new float[] {0f, 0f}, 2);
      assertEquals((0.5 * 0.25 + (3 - 0.5)) / 2, s.meanLoss(), 1e-6);
      assertEquals(1.75, s.meanMetric(0), 1e-6);
      assertEquals((0.25 + 9) / 2, s.meanMetric(1), 1e-6);
    }
  }

  @Test
  void learnsASeededClassificationWithEveryLayer() {
    SplittableRandom rnd = new SplittableRandom(11);
    int n = 512;
    float[] x = new float[n * 2];
    float[] y = new float[n * 3];
    for (int i = 0; i < n; i++) {
      double a = rnd.nextDouble(-1, 1);
      double b = rnd.nextDouble(-1, 1);
      x[2 * i] = (float) a;
      x[2 * i + 1] = (float) b;
      int cls = a * a + b * b < 0.4 ? 0 : (a > 0 ? 1 : 2);
      y[3 * i + cls] = 1;
    }
    Sequential spec = Sequential.of(Dense.units(32), BatchNormalization.defaults(), Dropout.rate(0.1),
        Activation.of("relu"), Dense.units(32).activation("tanh"), Dense.units(3).activation("softmax"))
        .inputShape(2);
    try (Network net = Network.create(spec, CompileOptions.of("categorical_crossentropy", "adam", "accuracy"), 5)) {
      WeightSnapshot before = net.weights();
      double first = net.evaluate(x, y, n).meanLoss();
      for (int epoch = 0; epoch < 60; epoch++) {
        for (int b = 0; b < n; b += 64) {
          float[] xb = java.util.Arrays.copyOfRange(x, b * 2, (b + 64) * 2);
          float[] yb = java.util.Arrays.copyOfRange(y, b * 3, (b + 64) * 3);
          net.trainBatch(xb, yb, 64);
        }
      }
      BatchStats s = net.evaluate(x, y, n);
      assertTrue(s.meanLoss() < first / 3, "loss " + first + " -> " + s.meanLoss());
      assertTrue(s.meanMetric(0) > 0.93, "accuracy " + s.meanMetric(0));
      // running statistics moved and are part of the snapshot
      WeightSnapshot after = net.weights();
      int mean = List.of(after.name(0), after.name(1), after.name(2), after.name(3), after.name(4)).indexOf("1_batch_normalization/moving_mean");
      assertTrue(mean > 0, "moving mean in snapshot");
      assertNotEquals(before.values(mean)[0], after.values(mean)[0]);
      assertEquals(60 * 8, net.steps());
      assertEquals(60 * 8, net.optimizerState().iterations());
    }
  }

  @Test
  void trainingIsReproducibleAndThreadSafe() throws Exception {
    Sequential spec = Sequential.of(Dense.units(16).activation("relu"), Dropout.rate(0.5),
        BatchNormalization.defaults(), Dense.units(1).activation("sigmoid")).inputShape(4);
    CompileOptions c = CompileOptions.of("binary_crossentropy", "adadelta", "accuracy");
    SplittableRandom rnd = new SplittableRandom(2);
    float[] x = new float[256 * 4];
    float[] y = new float[256];
    for (int i = 0; i < 256; i++) {
      double s = 0;
      for (int j = 0; j < 4; j++) {
        x[4 * i + j] = (float) rnd.nextGaussian();
        s += x[4 * i + j];
      }
      y[i] = s > 0 ? 1 : 0;
    }
    java.util.concurrent.Callable<WeightSnapshot> job = () -> {
      try (Network net = Network.create(spec, c, 9)) {
        net.seedDropout(123);
        for (int k = 0; k < 40; k++) {
          net.trainBatch(x, y, 256);
        }
        return net.weights();
      }
    };
    Engines.setIntraOpThreads(1);
    WeightSnapshot sequential = job.call();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<WeightSnapshot> a = pool.submit(job);
      Future<WeightSnapshot> b = pool.submit(job);
      assertEquals(sequential, a.get());
      assertEquals(sequential, b.get());
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void nonFiniteLossIsReportedNotReturned() {
    Sequential spec = Sequential.of(Dense.units(1)).inputShape(1);
    CompileOptions c = new CompileOptions(Loss.of("mse"), new Optimizer.SGD(1e30, 0, false), List.of());
    try (Network net = Network.create(spec, c, 1)) {
      NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> {
        for (int i = 0; i < 10; i++) {
          net.trainBatch(new float[] {1e6f, -1e6f}, new float[] {1f, 2f}, 2);
        }
      });
      assertTrue(e.getMessage().contains("Lower the learning rate"), e.getMessage());
    }
  }

  @Test
  void optimizerStateRoundTrips() {
    Sequential spec = Sequential.of(Dense.units(4), Dense.units(1)).inputShape(3);
    CompileOptions c = CompileOptions.of("mse", "adam");
    try (Network a = Network.create(spec, c, 1); Network b = Network.create(spec, c, 2)) {
      float[] x = {1, 2, 3, 4, 5, 6};
      float[] y = {1, 0};
      a.trainBatch(x, y, 2);
      b.setWeights(a.weights());
      b.setOptimizerState(a.optimizerState());
      a.trainBatch(x, y, 2);
      b.trainBatch(x, y, 2);
      assertEquals(a.weights(), b.weights());
      assertEquals(a.optimizerState(), b.optimizerState());
    }
  }
}
