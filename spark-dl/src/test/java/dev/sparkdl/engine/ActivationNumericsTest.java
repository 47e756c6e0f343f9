package dev.sparkdl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.spec.Activation;
import dev.sparkdl.spec.Activations;
import dev.sparkdl.spec.ELU;
import dev.sparkdl.spec.Flatten;
import dev.sparkdl.spec.LayerSpec;
import dev.sparkdl.spec.LeakyReLU;
import dev.sparkdl.spec.ReLU;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.spec.Softmax;
import dev.sparkdl.spec.ThresholdedReLU;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

/**
 * Every activation the project names, and every advanced-activation layer, against its
 * formula computed here in double precision, on values spanning negatives, zero and positives
 * (around each function's corners: 0, ±3 for the hard functions, 6 for relu6). The formulas
 * are Keras 3's ({@code keras.activations}), with Keras 2's hard sigmoid kept as {@code
 * hard_sigmoid_keras2}; gelu is Keras' default, exact {@code x·Φ(x)} (approximate=False).
 */
class ActivationNumericsTest {
  static final double TOLERANCE = 1e-6;
  static final float[] X = {-8f, -6f, -3.5f, -3f, -2.5f, -1f, -0.7f, -0.5f, -0.2f, -1e-3f, 0f,
      1e-3f, 0.2f, 0.5f, 0.7f, 1f, 1.4f, 2.5f, 3f, 3.5f, 6f, 7f};

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  private static double softplus(double x) {
    return Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0);
  }

  private static double hardSigmoid(double x) {
    return Math.min(Math.max(x + 3, 0), 6) / 6; // Keras 3: relu6(x + 3) / 6
  }

  static DoubleUnaryOperator formula(String name) {
    return switch (name) {
      case "relu" -> x -> Math.max(x, 0);
      case "sigmoid" -> ActivationNumericsTest::sigmoid;
      case "tanh" -> Math::tanh;
      case "linear" -> x -> x;
      case "elu" -> x -> x > 0 ? x : Math.exp(x) - 1;
      case "selu" -> x -> 1.0507009873554804934193349852946
          * (x > 0 ? x : 1.6732632423543772848170429916717 * (Math.exp(x) - 1));
      case "leaky_relu" -> x -> x >= 0 ? x : 0.2 * x;
      case "softplus" -> ActivationNumericsTest::softplus;
      case "gelu" -> x -> 0.5 * x * (1 + Erf.erf(x / Math.sqrt(2)));
      case "swish" -> x -> x * sigmoid(x);
      case "relu6" -> x -> Math.min(Math.max(x, 0), 6);
      case "softsign" -> x -> x / (1 + Math.abs(x));
      case "mish" -> x -> x * Math.tanh(softplus(x));
      case "exponential" -> Math::exp;
      case "hard_sigmoid" -> ActivationNumericsTest::hardSigmoid;
      case "hard_sigmoid_keras2" -> x -> Math.min(Math.max(0.2 * x + 0.5, 0), 1);
      case "hard_silu" -> x -> x * hardSigmoid(x);
      default -> null; // softmax, log_softmax: over the row, below
    };
  }

  /** The reference over one row (softmax and log_softmax normalise the row). */
  static double[] reference(String name, float[] x) {
    double[] y = new double[x.length];
    if (name.equals("softmax") || name.equals("log_softmax")) {
      double max = Double.NEGATIVE_INFINITY;
      for (float v : x) {
        max = Math.max(max, v);
      }
      double sum = 0;
      for (float v : x) {
        sum += Math.exp(v - max);
      }
      for (int i = 0; i < x.length; i++) {
        double log = x[i] - max - Math.log(sum);
        y[i] = name.equals("softmax") ? Math.exp(log) : log;
      }
      return y;
    }
    DoubleUnaryOperator f = formula(name);
    for (int i = 0; i < x.length; i++) {
      y[i] = f.applyAsDouble(x[i]);
    }
    return y;
  }

  /** As the network's output head (last layer) and inside the body (a Flatten after it). */
  private static float[][] run(LayerSpec layer, float[] x) {
    float[][] out = new float[2][];
    Sequential[] nets = {Sequential.of(layer), Sequential.of(layer, Flatten.of())};
    for (int k = 0; k < 2; k++) {
      try (Network net = Network.create(nets[k].withInputShape(List.of(x.length)), null, 1)) {
        out[k] = net.predict(x, 1);
      }
    }
    return out;
  }

  /** The x of the largest difference in the last {@link #assertClose}. */
  private static float worstX;

  private static double assertClose(String what, double[] expected, float[] actual) {
    assertEquals(expected.length, actual.length, what);
    double max = 0;
    for (int i = 0; i < expected.length; i++) {
      double diff = Math.abs(expected[i] - actual[i]) / Math.max(1, Math.abs(expected[i]));
      assertTrue(diff <= TOLERANCE, what + " at x=" + X[i] + ": expected " + expected[i]
          + ", got " + actual[i]);
      if (diff > max) {
        max = diff;
        worstX = X[i];
      }
    }
    return max;
  }

  @Test
  void everyActivationNameComputesItsFormula() {
    assertEquals(Activations.NAMES.size(), Activations.NAMES.stream()
        .filter(n -> n.contains("softmax") || formula(n) != null).count(),
        "a reference formula for every activation name");
    for (String name : Activations.NAMES) {
      double[] ref = reference(name, X);
      float[][] ours = run(Activation.of(name), X);
      double head = assertClose(name + " (output head)", ref, ours[0]);
      double body = assertClose(name + " (in the body)", ref, ours[1]);
      System.out.printf(java.util.Locale.ROOT, "  %-20s max diff %.1e (at x=%s) / %.1e%n",
          name, head, worstX, body);
    }
  }

  @Test
  void geluIsKerasDefaultExactFormNotTheTanhApproximation() {
    float[] x = {-3f, -2.5f, -1f, 1f, 3f};
    float[] ours = run(Activation.of("gelu"), x)[0];
    for (int i = 0; i < x.length; i++) {
      double v = x[i];
      double tanhForm = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI)
          * (v + 0.044715 * v * v * v)));
      double exact = 0.5 * v * (1 + Erf.erf(v / Math.sqrt(2)));
      assertTrue(Math.abs(tanhForm - exact) > 1e-4, "the two forms differ at " + v);
      assertEquals(exact, ours[i], TOLERANCE, "gelu(" + v + ")");
    }
  }

  @Test
  void aliasesAreTheSameFunctions() {
    assertEquals("swish", Activations.check("silu"));
    assertEquals("hard_silu", Activations.check("hard_swish"));
  }

  /** Keras' ReLU: x * (x > threshold) at most max_value, minus slope * relu(threshold - x). */
  static DoubleUnaryOperator relu(Double max, double slope, double threshold) {
    return x -> {
      double y = x > threshold ? x : 0;
      if (max != null) {
        y = Math.min(y, max);
      }
      return y - slope * Math.max(threshold - x, 0);
    };
  }

  @Test
  void everyActivationLayerComputesKerasFormula() {
    float max = 1.4f;
    float t = 0.2f;
    List<Object[]> cases = List.of(
        new Object[] {ReLU.defaults(), relu(null, 0, 0)},
        new Object[] {ReLU.defaults().maxValue(6), relu(6.0, 0, 0)},
        new Object[] {ReLU.defaults().maxValue(max).negativeSlope(t).threshold(t),
            relu((double) max, t, t)},
        new Object[] {ReLU.defaults().negativeSlope(0.5), relu(null, 0.5, 0)},
        new Object[] {ReLU.defaults().threshold(1), relu(null, 0, 1)},
        new Object[] {LeakyReLU.defaults(), (DoubleUnaryOperator) x -> x >= 0 ? x : 0.3 * x},
        new Object[] {LeakyReLU.slope(0.5), (DoubleUnaryOperator) x -> x >= 0 ? x : 0.5 * x},
        new Object[] {ELU.defaults(), formula("elu")},
        new Object[] {ELU.alpha(0.7f),
            (DoubleUnaryOperator) x -> x > 0 ? x : 0.7f * (Math.exp(x) - 1)},
        new Object[] {ThresholdedReLU.defaults(), (DoubleUnaryOperator) x -> x > 1 ? x : 0},
        new Object[] {ThresholdedReLU.theta(0.7f),
            (DoubleUnaryOperator) x -> x > 0.7f ? x : 0});
    for (Object[] c : cases) {
      DoubleUnaryOperator f = (DoubleUnaryOperator) c[1];
      double[] ref = new double[X.length];
      for (int i = 0; i < X.length; i++) {
        ref[i] = f.applyAsDouble(X[i]);
      }
      float[][] ours = run((LayerSpec) c[0], X);
      assertClose(c[0] + " (output head)", ref, ours[0]);
      assertClose(c[0] + " (in the body)", ref, ours[1]);
    }
    float[][] soft = run(Softmax.defaults(), X);
    assertClose("Softmax()", reference("softmax", X), soft[0]);
    assertClose("Softmax() in the body", reference("softmax", X), soft[1]);
  }

  @Test
  void softmaxLayerIsAClassifierHeadLikeTheActivation() {
    Sequential layer = Sequential.of(dev.sparkdl.spec.Dense.units(3), Softmax.defaults())
        .withInputShape(List.of(4));
    Sequential activation = Sequential.of(dev.sparkdl.spec.Dense.units(3).activation("softmax"))
        .withInputShape(List.of(4));
    dev.sparkdl.spec.CompileOptions ce = dev.sparkdl.spec.CompileOptions.of(
        "categorical_crossentropy", "sgd");
    float[] x = {-1f, 0f, 0.5f, 2f, 3f, -0.2f, 0f, 1f};
    try (Network a = Network.create(layer, ce, 1); Network b = Network.create(activation, ce, 1)) {
      b.setKerasWeights(a.kerasWeights());
      float[] ya = a.predict(x, 2);
      float[] yb = b.predict(x, 2);
      for (int i = 0; i < ya.length; i++) {
        assertEquals(yb[i], ya[i], 1e-7);
      }
      assertEquals(1.0, ya[0] + ya[1] + ya[2], 1e-6);
    }
  }

  @Test
  void softmaxOverAnotherAxis() {
    // (2, 3) per sample, softmax over axis 1: each column of 2 sums to one
    float[] x = {-1f, 0f, 2f, 0.5f, 3f, -2f};
    Sequential s = Sequential.of(Softmax.axis(1), Flatten.of()).withInputShape(List.of(2, 3));
    try (Network net = Network.create(s, null, 1)) {
      float[] y = net.predict(x, 1);
      for (int col = 0; col < 3; col++) {
        double a = x[col];
        double b = x[3 + col];
        double m = Math.max(a, b);
        double sum = Math.exp(a - m) + Math.exp(b - m);
        assertEquals(Math.exp(a - m) / sum, y[col], TOLERANCE);
        assertEquals(Math.exp(b - m) / sum, y[3 + col], TOLERANCE);
      }
    }
  }
}
