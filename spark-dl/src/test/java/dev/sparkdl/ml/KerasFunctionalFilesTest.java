package dev.sparkdl.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sparkdl.engine.Tensor;
import dev.sparkdl.spec.Activation;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Dropout;
import dev.sparkdl.spec.LayerSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Real tf.keras functional models (test resources keras-tfkeras/, see PROVENANCE.md): each is a
 * chain of layers and loads as the Sequential it is, weights in place.
 */
class KerasFunctionalFilesTest {
  private static final Path DIR = Paths.get("src/test/resources/keras-tfkeras");

  /** What is refused, and why: every other file must load. */
  private static final Map<String, String> REFUSED = new TreeMap<>(Map.of(
      "LocallyConnected2D", "Unknown layer class_name 'LocallyConnected2D'",
      "TensorFlowOpLayer (a raw TensorFlow operation, no Keras layer)",
      "Unknown layer class_name 'TensorFlowOpLayer'"));

  static List<Path> files() throws IOException {
    try (Stream<Path> s = Files.list(DIR)) {
      return s.filter(p -> p.toString().endsWith(".h5")).sorted().toList();
    }
  }

  @Test
  void everyChainLoadsOrIsRefusedForAStatedReason() throws IOException {
    Map<String, Integer> refused = new TreeMap<>();
    int loaded = 0;
    int variable = 0;
    List<String> unexpected = new ArrayList<>();
    for (Path p : files()) {
      try {
        KerasModels.Imported imp = KerasModels.read(p.toString());
        if (imp.network().inputShape() == null) { // sequences of any length: choose 5 steps
          List<Integer> d = imp.declaredShape();
          assertEquals(null, d.get(0), p.toString());
          variable++;
          imp = imp.withInputShape(5, d.get(1));
        }
        int n = 3;
        int features = imp.network().inputShape().stream().reduce(1, (a, b) -> a * b);
        float[] out = imp.predict(inputs(n * features, p.hashCode()), n);
        for (float v : out) {
          assertTrue(Float.isFinite(v), p + " predicts " + v);
        }
        loaded++;
      } catch (RuntimeException e) {
        String m = String.valueOf(e.getMessage());
        String why = REFUSED.entrySet().stream().filter(r -> m.contains(r.getValue()))
            .map(Map.Entry::getKey).findFirst().orElse(null);
        if (why == null) {
          unexpected.add(p.getFileName() + ": " + m);
        } else {
          refused.merge(why, 1, Integer::sum);
        }
      }
    }
    if (!unexpected.isEmpty()) {
      fail(unexpected.size() + " files failed unexpectedly:\n" + String.join("\n", unexpected));
    }
    System.out.println("tf.keras functional files: " + loaded + " loaded (" + variable
        + " of unknown length, given one), refused " + refused);
    assertEquals(24, variable);
    assertEquals(files().size() - 6, loaded);
  }

  @Test
  void anInputOfUnknownLengthNeedsTheShapeToScoreWith() {
    String file = DIR.resolve("rnn_144.h5").toString(); // Input(shape=(None, 3)) -> SimpleRNN(6)
    KerasModels.Imported imp = KerasModels.read(file);
    assertEquals(java.util.Arrays.asList(null, 3), imp.declaredShape());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> imp.toModel(KerasModels.Task.REGRESSION));
    assertTrue(e.getMessage().contains("input shape [null, 3] has unknown axes")
        && e.getMessage().contains("withInputShape(...), or --input-shape"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> imp.withInputShape(7, 4));
    assertTrue(e.getMessage().contains("the input shape [7, 4] does not fit the file's [null, 3]"),
        e.getMessage());
    // 7 steps through the file's weights: Keras' SimpleRNN (tanh) then relu, in double precision
    KerasModels.Imported seven = imp.withInputShape(7, 3);
    assertEquals(List.of(7, 3), seven.network().inputShape());
    float[] x = inputs(2 * 7 * 3, 7);
    float[] got = seven.predict(x, 2);
    float[] w = seven.weights().get(0).values(); // kernel (3, 6)
    float[] u = seven.weights().get(1).values(); // recurrent_kernel (6, 6)
    float[] b = seven.weights().get(2).values(); // bias (6)
    assertEquals(2 * 7 * 6, got.length);
    for (int s = 0; s < 2; s++) {
      double[] h = new double[6];
      for (int t = 0; t < 7; t++) {
        double[] next = new double[6];
        for (int j = 0; j < 6; j++) {
          double z = b[j];
          for (int i = 0; i < 3; i++) {
            z += x[(s * 7 + t) * 3 + i] * w[i * 6 + j];
          }
          for (int i = 0; i < 6; i++) {
            z += h[i] * u[i * 6 + j];
          }
          next[j] = Math.tanh(z);
          assertEquals(Math.max(0, next[j]), got[(s * 7 + t) * 6 + j], 1e-5);
        }
        h = next;
      }
    }
  }

  /**
   * tf.keras' Bidirectional(SimpleRNN(6, return_sequences=True)), merge concat, then relu,
   * against Keras' equations with the file's weights (forward layer's, then backward's): the
   * backward layer reads the steps in reverse and its outputs are put back in step order.
   */
  @Test
  void bidirectionalFileComputesKerasEquations() {
    KerasModels.Imported imp = KerasModels.read(DIR.resolve("rnn_1.h5").toString());
    if (imp.network().inputShape() == null) {
      imp = imp.withInputShape(5, imp.declaredShape().get(1));
    }
    int steps = imp.network().inputShape().get(0);
    int f = imp.network().inputShape().get(1);
    int n = 2;
    float[] x = inputs(n * steps * f, 11);
    float[] got = imp.predict(x, n);
    assertEquals(n * steps * 12, got.length);
    List<Tensor> w = imp.weights();
    for (int s = 0; s < n; s++) {
      double[][] fwd = simpleRnn(x, s, steps, f, w.get(0), w.get(1), w.get(2), false);
      double[][] bwd = simpleRnn(x, s, steps, f, w.get(3), w.get(4), w.get(5), true);
      for (int t = 0; t < steps; t++) {
        for (int j = 0; j < 6; j++) {
          int at = (s * steps + t) * 12;
          assertEquals(Math.max(0, fwd[t][j]), got[at + j], 1e-5, "forward t=" + t);
          assertEquals(Math.max(0, bwd[t][j]), got[at + 6 + j], 1e-5, "backward t=" + t);
        }
      }
    }
  }

  /** Keras' SimpleRNN (tanh) over one sample; reversed: read backwards, outputs in step order. */
  private static double[][] simpleRnn(float[] x, int sample, int steps, int f, Tensor kernel,
      Tensor recurrent, Tensor bias, boolean reversed) {
    int units = bias.values().length;
    double[][] out = new double[steps][];
    double[] h = new double[units];
    for (int i = 0; i < steps; i++) {
      int t = reversed ? steps - 1 - i : i;
      double[] next = new double[units];
      for (int j = 0; j < units; j++) {
        double z = bias.values()[j];
        for (int k = 0; k < f; k++) {
          z += x[(sample * steps + t) * f + k] * kernel.values()[k * units + j];
        }
        for (int k = 0; k < units; k++) {
          z += h[k] * recurrent.values()[k * units + j];
        }
        next[j] = Math.tanh(z);
      }
      h = next;
      out[t] = next;
    }
    return out;
  }

  /**
   * Files of Dense, Activation and Dropout layers (every built-in activation, tf.keras 2.2.4's
   * hard_sigmoid being {@code clip(0.2x + 0.5, 0, 1)}) against the layers' equations in double
   * precision, with the file's weights: the chain's order and each weight's place.
   */
  @Test
  void denseChainsComputeTheKerasEquations() throws IOException {
    int checked = 0;
    for (Path p : files()) {
      String name = p.getFileName().toString();
      if (!name.startsWith("act_") && !name.startsWith("mlp_")) {
        continue;
      }
      KerasModels.Imported imp = KerasModels.read(p.toString());
      int n = 4;
      int in = imp.network().inputShape().get(0);
      float[] x = inputs(n * in, name.hashCode());
      float[] got = imp.predict(x, n);
      double[][] want = forward(imp, x, n, in);
      int units = want[0].length;
      assertEquals(n * units, got.length, name);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < units; j++) {
          assertEquals(want[i][j], got[i * units + j], 1e-5 + 1e-5 * Math.abs(want[i][j]),
              name + " sample " + i + " output " + j);
        }
      }
      checked++;
    }
    assertEquals(26, checked);
  }

  private static double[][] forward(KerasModels.Imported imp, float[] x, int n, int in) {
    double[][] a = new double[n][in];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < in; j++) {
        a[i][j] = x[i * in + j];
      }
    }
    int w = 0;
    List<Tensor> weights = imp.weights();
    for (LayerSpec layer : imp.network().layers()) {
      if (layer instanceof Dense d) {
        Tensor kernel = weights.get(w++);
        Tensor bias = d.useBias() ? weights.get(w++) : null;
        int units = d.units();
        int rows = a[0].length;
        double[][] z = new double[n][units];
        for (int i = 0; i < n; i++) {
          for (int u = 0; u < units; u++) {
            double s = bias == null ? 0 : bias.values()[u];
            for (int r = 0; r < rows; r++) {
              s += a[i][r] * kernel.values()[r * units + u];
            }
            z[i][u] = s;
          }
        }
        a = activate(d.activation(), z);
      } else if (layer instanceof Activation act) {
        a = activate(act.activation(), a);
      } else if (!(layer instanceof Dropout)) {
        throw new AssertionError("unexpected layer " + layer);
      }
    }
    return a;
  }

  private static double[][] activate(String f, double[][] z) {
    double[][] y = new double[z.length][];
    for (int i = 0; i < z.length; i++) {
      y[i] = new double[z[i].length];
      double max = Double.NEGATIVE_INFINITY;
      double sum = 0;
      if (f.equals("softmax")) {
        for (double v : z[i]) {
          max = Math.max(max, v);
        }
        for (double v : z[i]) {
          sum += Math.exp(v - max);
        }
      }
      for (int j = 0; j < z[i].length; j++) {
        double v = z[i][j];
        y[i][j] = switch (f) {
          case "linear" -> v;
          case "relu" -> Math.max(0, v);
          case "tanh" -> Math.tanh(v);
          case "sigmoid" -> 1 / (1 + Math.exp(-v));
          case "elu" -> v > 0 ? v : Math.exp(v) - 1;
          case "selu" -> 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * (Math.exp(v) - 1));
          case "softplus" -> Math.log1p(Math.exp(v));
          case "softsign" -> v / (1 + Math.abs(v));
          case "hard_sigmoid_keras2" -> Math.min(1, Math.max(0, 0.2 * v + 0.5));
          case "softmax" -> Math.exp(v - max) / sum;
          default -> throw new AssertionError("no reference for " + f);
        };
      }
    }
    return y;
  }

  private static float[] inputs(int size, long seed) {
    Random r = new Random(seed);
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = (float) (r.nextGaussian() * 1.5);
    }
    return x;
  }
}

