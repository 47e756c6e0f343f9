package dev.sparkdl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.spec.CompileOptions;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Loss;
import dev.sparkdl.spec.Optimizer;
import dev.sparkdl.spec.Optimizer.GradientOptions;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.spec.SpecException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keras 3's newer optimizers, AMSGrad, gradient clipping and decoupled weight decay against a
 * double-precision reference of Keras' update formulas ({@link KerasReference}), on a Dense(2)
 * layer (a rank-2 kernel and a bias) trained with MSE for several steps.
 */
class KerasOptimizersTest {
  private static final float[] X = {1f, 2f, -1f, 0.5f, 3f, -2f, -1.5f, 0.2f, 0.7f, 2f, -1f, 1f};
  private static final float[] Y = {1f, -1f, 2f, 0.5f, -1f, 0.3f, 0.2f, 1.5f};
  private static final float[][] KERNEL = {{0.3f, -0.1f}, {-0.2f, 0.4f}, {0.1f, 0.25f}};
  private static final float[] BIAS = {0.1f, -0.05f};

  static List<Optimizer> optimizers() {
    GradientOptions none = GradientOptions.NONE;
    return List.of(
        new Optimizer.Nadam(0.05, 0.9, 0.999, 1e-7, none),
        new Optimizer.Adamax(0.05, 0.9, 0.999, 1e-7, none),
        new Optimizer.Lion(0.01, 0.9, 0.99, none),
        new Optimizer.Ftrl(0.1, -0.5, 0.1, 0, 0, 0, 0, none),
        new Optimizer.Ftrl(0.1, -0.5, 0.1, 0.01, 0.02, 0.01, 0.1, none),
        new Optimizer.Adafactor(0.05, -0.8, 1e-30, 1e-3, 1.0, true, none),
        new Optimizer.Adafactor(0.5, -0.8, 1e-30, 1e-3, 0.5, false, none),
        new Optimizer.Adam(0.05, 0.9, 0.999, 1e-7, true, none),
        new Optimizer.Adam(0.05, 0.9, 0.999, 1e-7, false, new GradientOptions(0.1, 0, 0, 0)),
        new Optimizer.SGD(0.1, 0.5, true, new GradientOptions(0, 0.3, 0, 0)),
        new Optimizer.SGD(0.1, 0.5, false, new GradientOptions(0, 0, 0.2, 0)),
        new Optimizer.SGD(0.1, 0.5, false, new GradientOptions(0.05, 0, 0, 0.4)),
        new Optimizer.Nadam(0.05, 0.9, 0.999, 1e-7, new GradientOptions(0.02, 0.5, 0, 0)),
        new Optimizer.Lion(0.01, 0.9, 0.99, new GradientOptions(0.1, 0, 0, 0)));
  }

  @Test
  void stepsFollowKerasFormulas() {
    int n = 4;
    for (Optimizer o : optimizers()) {
      Sequential spec = Sequential.of(Dense.units(2)).inputShape(3);
      try (Network net = Network.create(spec, new CompileOptions(Loss.of("mse"), o, List.of()), 1)) {
        net.setKerasWeights(List.of(Tensor.of(KERNEL), Tensor.of(BIAS)));
        double[][] w = {
          {KERNEL[0][0], KERNEL[0][1], KERNEL[1][0], KERNEL[1][1], KERNEL[2][0], KERNEL[2][1]},
          {BIAS[0], BIAS[1]}
        };
        KerasReference ref = new KerasReference(o, new int[][] {{3, 2}, {2}});
        for (int step = 0; step < 6; step++) {
          double[][] g = {new double[6], new double[2]};
          for (int r = 0; r < n; r++) {
            for (int j = 0; j < 2; j++) {
              double p = w[1][j];
              for (int i = 0; i < 3; i++) {
                p += X[3 * r + i] * w[0][2 * i + j];
              }
              double d = 2.0 / (2 * n) * (p - Y[2 * r + j]);
              for (int i = 0; i < 3; i++) {
                g[0][2 * i + j] += d * X[3 * r + i];
              }
              g[1][j] += d;
            }
          }
          ref.step(w, g);
          net.trainBatch(X, Y, n);
        }
        List<Tensor> got = net.kerasWeights();
        for (int k = 0; k < 2; k++) {
          for (int i = 0; i < w[k].length; i++) {
            assertEquals(w[k][i], got.get(k).values()[i], 2e-5, o + " weight " + k + "/" + i);
          }
        }
      }
    }
  }

  /**
   * Adafactor factors a rank-4 convolution kernel over Keras' last two axes (input and output
   * channels), per kernel position, although DJL holds it as (out, in, kh, kw). Each step's
   * gradient, in Keras' layout, is read off a one-step SGD(learning_rate=1) network.
   */
  @Test
  void adafactorFactorsAConvolutionKernelAsKeras() {
    Optimizer o = new Optimizer.Adafactor(0.05, -0.8, 1e-30, 1e-3, 1.0, false,
        GradientOptions.NONE);
    Sequential spec = Sequential.of(dev.sparkdl.spec.Conv2D.filters(3).kernelSize(2, 2),
        dev.sparkdl.spec.Flatten.of(), Dense.units(1)).inputShape(3, 3, 2);
    java.util.SplittableRandom r = new java.util.SplittableRandom(4);
    int n = 4;
    float[] x = new float[n * 18];
    float[] y = new float[n];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble(-1, 1);
    }
    for (int i = 0; i < n; i++) {
      y[i] = (float) r.nextDouble(-1, 1);
    }
    CompileOptions sgd = new CompileOptions(Loss.of("mse"), new Optimizer.SGD(1.0, 0, false),
        List.of());
    try (Network net = Network.create(spec, new CompileOptions(Loss.of("mse"), o, List.of()), 3);
        Network grads = Network.create(spec, sgd, 3)) {
      List<Tensor> start = net.kerasWeights();
      int[][] shapes = new int[start.size()][];
      double[][] w = new double[start.size()][];
      for (int k = 0; k < start.size(); k++) {
        shapes[k] = start.get(k).shape();
        float[] v = start.get(k).values();
        w[k] = new double[v.length];
        for (int i = 0; i < v.length; i++) {
          w[k][i] = v[i];
        }
      }
      assertEquals(4, shapes[0].length, "a rank-4 kernel");
      KerasReference ref = new KerasReference(o, shapes);
      for (int step = 0; step < 4; step++) {
        List<Tensor> now = net.kerasWeights();
        grads.setKerasWeights(now);
        grads.trainBatch(x, y, n);
        List<Tensor> after = grads.kerasWeights();
        double[][] g = new double[now.size()][];
        for (int k = 0; k < now.size(); k++) {
          g[k] = new double[now.get(k).values().length];
          for (int i = 0; i < g[k].length; i++) {
            g[k][i] = (double) now.get(k).values()[i] - after.get(k).values()[i];
          }
        }
        ref.step(w, g);
        net.trainBatch(x, y, n);
        List<Tensor> got = net.kerasWeights();
        for (int k = 0; k < w.length; k++) {
          for (int i = 0; i < w[k].length; i++) {
            assertEquals(w[k][i], got.get(k).values()[i], 2e-5,
                "step " + step + " weight " + k + "/" + i);
          }
        }
      }
    }
  }

  @Test
  void theStateOfANewOptimizerContinuesAfterRestore() {
    Optimizer o = new Optimizer.Nadam(0.05, 0.9, 0.999, 1e-7, GradientOptions.NONE);
    Sequential spec = Sequential.of(Dense.units(2)).inputShape(3);
    CompileOptions c = new CompileOptions(Loss.of("mse"), o, List.of());
    try (Network a = Network.create(spec, c, 1); Network b = Network.create(spec, c, 1)) {
      a.setKerasWeights(List.of(Tensor.of(KERNEL), Tensor.of(BIAS)));
      for (int i = 0; i < 3; i++) {
        a.trainBatch(X, Y, 4);
      }
      b.setWeights(a.weights());
      b.setOptimizerState(a.optimizerState());
      a.trainBatch(X, Y, 4);
      b.trainBatch(X, Y, 4);
      assertEquals(a.kerasWeights().get(0), b.kerasWeights().get(0));
    }
  }

  @Test
  void kerasJsonBothWays() {
    for (Optimizer o : optimizers()) {
      assertEquals(o, Optimizer.fromJson(o.toJson()), o.toJson());
    }
    Optimizer read = Optimizer.fromJson("{\"class_name\": \"Adafactor\", \"config\": {"
        + "\"learning_rate\": 0.01, \"beta_2_decay\": -0.8, \"epsilon_1\": 1e-30,"
        + " \"epsilon_2\": 0.001, \"clip_threshold\": 1.0, \"relative_step\": true,"
        + " \"weight_decay\": null, \"clipnorm\": null, \"clipvalue\": null,"
        + " \"global_clipnorm\": 1.5, \"use_ema\": false, \"ema_momentum\": 0.99,"
        + " \"ema_overwrite_frequency\": null, \"loss_scale_factor\": null,"
        + " \"gradient_accumulation_steps\": null, \"name\": \"adafactor\"}}");
    assertEquals(new Optimizer.Adafactor(0.01, -0.8, 1e-30, 1e-3, 1.0, true,
        new GradientOptions(0, 0, 0, 1.5)), read);
    assertEquals(new Optimizer.SGD(0.01, 0, false, new GradientOptions(0.01, 0, 0, 0)),
        Optimizer.fromJson("{\"class_name\": \"SGD\", \"config\": {\"weight_decay\": 0.01}}"));
    for (String name : List.of("nadam", "adamax", "lion", "ftrl", "adafactor")) {
      assertEquals(name, Optimizer.named(name).className().toLowerCase(java.util.Locale.ROOT));
    }
    assertTrue(Optimizer.named("nadam").hasMomentum());
    assertTrue(Optimizer.named("lion").hasMomentum());
    assertTrue(Optimizer.named("adamax").hasMomentum());
    assertTrue(!Optimizer.named("ftrl").hasMomentum() && !Optimizer.named("adafactor").hasMomentum());
  }

  @Test
  void refusals() {
    SpecException both = assertThrows(SpecException.class, () -> Optimizer.fromJson(
        "{\"class_name\": \"Adam\", \"config\": {\"clipnorm\": 1.0, \"global_clipnorm\": 1.0}}"));
    assertTrue(both.getMessage().contains("Only one of `clipnorm`, `clipvalue` and"
        + " `global_clipnorm` can be set"), both.getMessage());
    SpecException power = assertThrows(SpecException.class, () -> Optimizer.fromJson(
        "{\"class_name\": \"Ftrl\", \"config\": {\"learning_rate_power\": 0.5}}"));
    assertTrue(power.getMessage().contains("`learning_rate_power` needs to be negative or zero"),
        power.getMessage());
    SpecException lion = assertThrows(SpecException.class, () -> Optimizer.fromJson(
        "{\"class_name\": \"Lion\", \"config\": {\"beta_1\": 1.5}}"));
    assertTrue(lion.getMessage().contains("beta_1=1.5"), lion.getMessage());
    SpecException ams = assertThrows(SpecException.class, () -> Optimizer.fromJson(
        "{\"class_name\": \"Nadam\", \"config\": {\"amsgrad\": true}}"));
    assertTrue(ams.getMessage().contains("amsgrad=true"), ams.getMessage());
  }
}
