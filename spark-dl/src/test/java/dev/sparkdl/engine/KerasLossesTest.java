package dev.sparkdl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sparkdl.spec.Loss;
import dev.sparkdl.spec.SpecException;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keras 3's losses against closed forms computed here in double precision on fixed inputs (and
 * against the values Keras' documentation prints for its examples).
 */
class KerasLossesTest {
  private static final double EPS = 1e-7;
  private static final int N = 5;
  private static final int K = 3;
  private static NDManager manager;

  @BeforeAll
  static void open() {
    Engines.pytorch();
    manager = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch");
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static double value(Loss loss, String head, double[][] z, double[][] y) {
    float[] zf = new float[z.length * z[0].length];
    float[] yf = new float[zf.length];
    for (int i = 0; i < z.length; i++) {
      for (int j = 0; j < z[0].length; j++) {
        zf[i * z[0].length + j] = (float) z[i][j];
        yf[i * z[0].length + j] = (float) y[i][j];
      }
    }
    Shape shape = new Shape(z.length, z[0].length);
    try (NDManager m = manager.newSubManager()) {
      NDArray v = new LossFunction(loss, head).compute(m.create(zf, shape), m.create(yf, shape));
      return v.getFloat();
    }
  }

  /** The closed form: the mean over samples of a per-sample value. */
  private static double mean(double[][] z, double[][] y, BiFunction<double[], double[], Double> f) {
    double s = 0;
    for (int i = 0; i < z.length; i++) {
      s += f.apply(z[i], y[i]);
    }
    return s / z.length;
  }

  private static double[][] random(long seed, int n, int k, double lo, double hi) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] a = new double[n][k];
    for (double[] row : a) {
      for (int j = 0; j < k; j++) {
        row[j] = r.nextDouble(lo, hi);
      }
    }
    return a;
  }

  private static double[][] oneHot(int... classes) {
    double[][] a = new double[classes.length][K];
    for (int i = 0; i < classes.length; i++) {
      a[i][classes[i]] = 1;
    }
    return a;
  }

  private static double[][] column(double... v) {
    double[][] a = new double[v.length][1];
    for (int i = 0; i < v.length; i++) {
      a[i][0] = v[i];
    }
    return a;
  }

  private static double[] softmax(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double x : z) {
      max = Math.max(max, x);
    }
    double sum = 0;
    double[] p = new double[z.length];
    for (int j = 0; j < z.length; j++) {
      p[j] = Math.exp(z[j] - max);
      sum += p[j];
    }
    for (int j = 0; j < z.length; j++) {
      p[j] /= sum;
    }
    return p;
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  private static double clip(double x, double lo, double hi) {
    return Math.max(lo, Math.min(hi, x));
  }

  private static final double[][] LOGITS = random(1, N, K, -2, 2);
  private static final double[][] ONE_HOT = oneHot(0, 2, 1, 1, 0);
  private static final double[][] BINARY_LOGITS = column(-1.5, 0.3, 2.0, -0.2, 0.9);
  private static final double[][] BINARY_Y = column(0, 1, 1, 0, 0);

  @Test
  void crossEntropiesWithLabelSmoothingAndFromLogits() {
    for (double s : new double[] {0, 0.1, 0.3}) {
      double expected = mean(LOGITS, ONE_HOT, (z, y) -> {
        double[] p = softmax(z);
        double v = 0;
        for (int j = 0; j < K; j++) {
          v -= (y[j] * (1 - s) + s / K) * Math.log(p[j]);
        }
        return v;
      });
      Loss cce = Loss.of("categorical_crossentropy").withLabelSmoothing(s);
      assertEquals(expected, value(cce, "softmax", LOGITS, ONE_HOT), 1e-5, "cce s=" + s);
      assertEquals(expected, value(cce.withFromLogits(true), "softmax", LOGITS, ONE_HOT), 1e-5);
      // a linear network used directly: the loss applies the softmax to the logits itself
      assertEquals(expected, value(cce.withFromLogits(true), "linear", LOGITS, ONE_HOT), 1e-5);
      double binary = mean(BINARY_LOGITS, BINARY_Y, (z, y) -> {
        double p = sigmoid(z[0]);
        double t = y[0] * (1 - s) + 0.5 * s;
        return -(t * Math.log(p) + (1 - t) * Math.log(1 - p));
      });
      Loss bce = Loss.of("binary_crossentropy").withLabelSmoothing(s);
      assertEquals(binary, value(bce, "sigmoid", BINARY_LOGITS, BINARY_Y), 1e-5, "bce s=" + s);
    }
    // Keras' documented examples, on probabilities (a body that applies the activation itself)
    double[][] p = {{0.05, 0.95, 0}, {0.1, 0.8, 0.1}};
    double[][] y = {{0, 1, 0}, {0, 0, 1}};
    assertEquals((0.0513 + 2.303) / 2,
        value(Loss.of("categorical_crossentropy"), "linear", p, y), 1e-3);
    assertEquals((0.916 + 0.714) / 2, value(Loss.of("binary_crossentropy"), "linear",
        new double[][] {{0.6, 0.4}, {0.4, 0.6}}, new double[][] {{0, 1}, {0, 0}}), 1e-3);
  }

  @Test
  void focalCrossEntropies() {
    for (boolean balancing : new boolean[] {false, true}) {
      for (double s : new double[] {0, 0.2}) {
        Loss loss = Loss.of("binary_focal_crossentropy").withFocal(0.3, 1.5, balancing)
            .withLabelSmoothing(s);
        double expected = mean(BINARY_LOGITS, BINARY_Y, (z, y) -> {
          double p = sigmoid(z[0]);
          double pc = clip(p, EPS, 1 - EPS);
          double t = y[0] * (1 - s) + 0.5 * s;
          double bce = -(t * Math.log(pc) + (1 - t) * Math.log(1 - pc));
          double pt = t * p + (1 - t) * (1 - p);
          double w = balancing ? t * 0.3 + (1 - t) * 0.7 : 1;
          return w * Math.pow(1 - pt, 1.5) * bce;
        });
        assertEquals(expected, value(loss, "sigmoid", BINARY_LOGITS, BINARY_Y), 1e-5,
            "balancing " + balancing + " s=" + s);
      }
    }
    for (double s : new double[] {0, 0.1}) {
      double expected = mean(LOGITS, ONE_HOT, (z, y) -> {
        double[] p = softmax(z);
        double v = 0;
        for (int j = 0; j < K; j++) {
          double t = y[j] * (1 - s) + s / K;
          double o = clip(p[j], EPS, 1 - EPS);
          v += 0.25 * Math.pow(1 - o, 2.0) * -t * Math.log(o);
        }
        return v;
      });
      Loss loss = Loss.of("categorical_focal_crossentropy").withLabelSmoothing(s);
      assertEquals(expected, value(loss, "softmax", LOGITS, ONE_HOT), 1e-5, "s=" + s);
      assertEquals(expected, value(loss.withFromLogits(true), "softmax", LOGITS, ONE_HOT), 1e-5);
    }
    // Keras' documented examples
    assertEquals((2.63401289e-04 + 6.75912094e-01) / 2,
        value(Loss.of("categorical_focal_crossentropy"), "linear",
            new double[][] {{0.05, 0.9, 0.05}, {0.1, 0.85, 0.05}},
            new double[][] {{0, 1, 0}, {0, 0, 1}}), 1e-5);
    assertEquals((0.330 + 0.206) / 2, value(Loss.of("binary_focal_crossentropy"), "linear",
        new double[][] {{0.6, 0.4}, {0.4, 0.6}}, new double[][] {{0, 1}, {0, 0}}), 1e-3);
  }

  @Test
  void hinges() {
    // one unit: the score is the pre-activation output (the sigmoid is the probability column)
    double hinge = mean(BINARY_LOGITS, BINARY_Y,
        (z, y) -> Math.max(1 - (2 * y[0] - 1) * z[0], 0));
    assertEquals(hinge, value(Loss.of("hinge"), "sigmoid", BINARY_LOGITS, BINARY_Y), 1e-6);
    assertEquals(hinge, value(Loss.of("hinge"), "linear", BINARY_LOGITS, BINARY_Y), 1e-6);
    double squared = mean(BINARY_LOGITS, BINARY_Y,
        (z, y) -> Math.pow(Math.max(1 - (2 * y[0] - 1) * z[0], 0), 2));
    assertEquals(squared, value(Loss.of("squared_hinge"), "sigmoid", BINARY_LOGITS, BINARY_Y),
        1e-6);
    // -1/1 labels are used as they are
    double[][] signs = column(-1, 1, 1, -1, -1);
    assertEquals(hinge, value(Loss.of("hinge"), "linear", BINARY_LOGITS, signs), 1e-6);
    double categorical = mean(LOGITS, ONE_HOT, (z, y) -> {
      double[] p = softmax(z);
      double pos = 0;
      double neg = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < K; j++) {
        pos += y[j] * p[j];
        neg = Math.max(neg, (1 - y[j]) * p[j]);
      }
      return Math.max(neg - pos + 1, 0);
    });
    assertEquals(categorical, value(Loss.of("categorical_hinge"), "softmax", LOGITS, ONE_HOT),
        1e-6);
  }

  @Test
  void divergenceAndSimilarity() {
    double[][] soft = {{0.7, 0.2, 0.1}, {0, 0.5, 0.5}, {1, 0, 0}, {0.2, 0.2, 0.6}, {0, 0, 1}};
    double kld = mean(LOGITS, soft, (z, y) -> {
      double[] p = softmax(z);
      double v = 0;
      for (int j = 0; j < K; j++) {
        double t = clip(y[j], EPS, 1);
        v += t * Math.log(t / clip(p[j], EPS, 1));
      }
      return v;
    });
    assertEquals(kld, value(Loss.of("kld"), "softmax", LOGITS, soft), 1e-5);
    double[][] a = random(3, N, K, -1, 1);
    double cos = mean(LOGITS, a, (z, y) -> {
      double dot = 0;
      double nz = 0;
      double ny = 0;
      for (int j = 0; j < K; j++) {
        dot += z[j] * y[j];
        nz += z[j] * z[j];
        ny += y[j] * y[j];
      }
      return -dot / Math.sqrt(nz * ny);
    });
    assertEquals(cos, value(Loss.of("cosine_similarity"), "linear", LOGITS, a), 1e-6);
    // Keras' documented example: [-0., -0.99999994, 0.99999994]
    assertEquals(0, value(Loss.of("cosine_similarity"), "linear",
        new double[][] {{1, 0}, {1, 1}, {-1, -1}}, new double[][] {{0, 1}, {1, 1}, {1, 1}}),
        1e-6);
  }

  @Test
  void regressionLosses() {
    double[][] z = column(-1.2, 0.4, 2.5, -0.1, 1.7);
    double[][] y = column(0, 3, 7, 1, 2);
    assertEquals(mean(z, y, (u, t) -> Math.exp(u[0]) - t[0] * Math.log(Math.exp(u[0]) + EPS)),
        value(Loss.of("poisson"), "exponential", z, y), 1e-5);
    double[][] w = column(0.5, -2, 3.5, 0.2, -0.7);
    assertEquals(mean(z, w, (u, t) -> Math.log(Math.cosh(u[0] - t[0]))),
        value(Loss.of("logcosh"), "linear", z, w), 1e-6);
    // large differences stay finite (log cosh d ≈ |d| - log 2)
    assertEquals(100 - Math.log(2), value(Loss.of("log_cosh"), "linear", column(100),
        column(0)), 1e-4);
    assertEquals(mean(z, w, (u, t) -> 100 * Math.abs((t[0] - u[0]) / Math.max(Math.abs(t[0]),
        EPS))), value(Loss.of("mean_absolute_percentage_error"), "linear", z, w), 1e-3);
    assertEquals(mean(z, w, (u, t) -> Math.pow(Math.log(Math.max(u[0], EPS) + 1)
            - Math.log(Math.max(t[0], EPS) + 1), 2)),
        value(Loss.of("msle"), "linear", z, w), 1e-6);
    // Keras' documented example
    assertEquals(0.108, value(Loss.of("log_cosh"), "linear",
        new double[][] {{1, 1}, {0, 0}}, new double[][] {{0, 1}, {0, 0}}), 1e-3);
  }

  @Test
  void kerasNamesAndObjectForms() {
    assertEquals("kl_divergence", Loss.fromJson("\"kullback_leibler_divergence\"").name());
    assertEquals("mape", Loss.fromJson("\"MAPE\"").name());
    assertEquals("msle", Loss.fromJson("{\"class_name\": \"MeanSquaredLogarithmicError\","
        + " \"config\": {\"reduction\": \"sum_over_batch_size\", \"name\": \"msle\"}}").name());
    assertEquals("kl_divergence",
        Loss.fromJson("{\"class_name\": \"KLDivergence\", \"config\": {}}").name());
    Loss focal = Loss.fromJson("{\"class_name\": \"BinaryFocalCrossentropy\", \"config\": {"
        + "\"apply_class_balancing\": true, \"alpha\": 0.4, \"gamma\": 1.0, \"from_logits\": true,"
        + " \"label_smoothing\": 0.1, \"axis\": -1, \"reduction\": \"sum_over_batch_size\","
        + " \"name\": \"binary_focal_crossentropy\"}}");
    assertEquals(Loss.of("binary_focal_crossentropy").withFocal(0.4, 1.0, true)
        .withFromLogits(true).withLabelSmoothing(0.1), focal);
    assertEquals(focal, Loss.fromJson(focal.toJson()));
    assertEquals("\"poisson\"", Loss.of("Poisson").toJson());
    Loss poisson = Loss.fromJson("{\"class_name\": \"Poisson\", \"config\": {}}");
    assertEquals(Loss.of("poisson"), poisson);
    SpecException smoothing = assertThrows(SpecException.class, () -> Loss.fromJson(
        "{\"class_name\": \"CategoricalCrossentropy\", \"config\": {\"label_smoothing\": 1.5}}"));
    assertTrue(smoothing.getMessage().contains("expected a float in [0, 1]. Received:"
        + " label_smoothing=1.5"), smoothing.getMessage());
    SpecException logits = assertThrows(SpecException.class, () -> Loss.fromJson(
        "{\"class_name\": \"MeanSquaredError\", \"config\": {\"from_logits\": true}}"));
    assertTrue(logits.getMessage().contains("from_logits"), logits.getMessage());
    SpecException sparse = assertThrows(SpecException.class, () -> Loss.fromJson(
        "{\"class_name\": \"SparseCategoricalCrossentropy\", \"config\":"
            + " {\"ignore_class\": 255}}"));
    assertTrue(sparse.getMessage().contains("ignore_class=255 is not supported"),
        sparse.getMessage());
  }
}
