package dev.sparkdl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.spec.CompileOptions;
import dev.sparkdl.spec.Conv1D;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Embedding;
import dev.sparkdl.spec.Flatten;
import dev.sparkdl.spec.Loss;
import dev.sparkdl.spec.Optimizer;
import dev.sparkdl.spec.Recurrent;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.spec.WeightRules;
import dev.sparkdl.spec.WeightRules.Constraint;
import dev.sparkdl.spec.WeightRules.Regularizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keras regularizers in the loss and its gradient, constraints after the update. */
class RegularizationTest {
  private static final float[] X = {1f, 2f, -1f, 0.5f, 3f, -2f, 0.2f, -0.7f, 1.5f, -1f, 0f, 2f};
  private static final float[] Y = {1f, -1f, 2f, 0.5f, -0.3f, 0.8f, 0f, 1f};
  private static final List<Tensor> W = List.of(
      Tensor.of(new float[][] {{0.3f, -0.6f}, {-0.2f, 0.4f}, {0.5f, 0.1f}}), Tensor.of(0.1f, -0.2f));

  private static Network net(Dense layer, double lr) {
    Sequential spec = Sequential.of(layer).inputShape(3);
    Network n = Network.create(spec,
        new CompileOptions(Loss.of("mse"), new Optimizer.SGD(lr, 0.0, false), List.of()), 1);
    n.setKerasWeights(W);
    return n;
  }

  private static double sumSquares(float[] v) {
    double s = 0;
    for (float f : v) {
      s += (double) f * f;
    }
    return s;
  }

  @Test
  void l2KernelRegularizerAddsToTheLossAndItsGradient() {
    double l2 = 0.05;
    double lr = 0.1;
    Dense plain = Dense.units(2);
    Dense reg = plain.rules(WeightRules.NONE.regularizer("kernel", Regularizer.l2(l2)));
    try (Network a = net(plain, lr); Network b = net(reg, lr)) {
      float[] k0 = W.get(0).values();
      double plainLoss = a.trainBatch(X, Y, 4).meanLoss();
      double regLoss = b.trainBatch(X, Y, 4).meanLoss();
      assertEquals(plainLoss + l2 * sumSquares(k0), regLoss, 1e-5);
      float[] ka = a.kerasWeights().get(0).values();
      float[] kb = b.kerasWeights().get(0).values();
      for (int i = 0; i < k0.length; i++) {
        // w - lr (g + 2 l2 w)
        assertEquals(ka[i] - lr * 2 * l2 * k0[i], kb[i], 1e-6, "kernel " + i);
      }
      assertEquals(a.kerasWeights().get(1), b.kerasWeights().get(1)); // bias: no regularizer
      // evaluation reports the penalty too, as Keras does
      a.setKerasWeights(b.kerasWeights());
      double e = b.evaluate(X, Y, 4).meanLoss() - a.evaluate(X, Y, 4).meanLoss();
      assertEquals(l2 * sumSquares(b.kerasWeights().get(0).values()), e, 1e-5);
    }
  }

  @Test
  void l1ActivityRegularizerOfAHiddenLayer() {
    double l1 = 0.01;
    double lr = 0.1;
    float[][] k = {{0.3f, -0.6f}, {-0.2f, 0.4f}, {0.5f, 0.1f}};
    float[] bias = {0.1f, -0.2f};
    float[][] k2 = {{1f}, {-1f}};
    Dense hidden = Dense.units(2).activation("relu");
    Sequential plain = Sequential.of(hidden, Dense.units(1)).inputShape(3);
    Sequential reg = Sequential.of(
        hidden.rules(WeightRules.NONE.regularizer("activity", Regularizer.l1(l1))),
        Dense.units(1)).inputShape(3);
    List<Tensor> w = List.of(Tensor.of(k), Tensor.of(bias), Tensor.of(k2), Tensor.of(0f));
    float[] y = {1f, -1f, 2f, 0.5f};
    CompileOptions sgd =
        new CompileOptions(Loss.of("mse"), new Optimizer.SGD(lr, 0.0, false), List.of());
    try (Network a = Network.create(plain, sgd, 1); Network b = Network.create(reg, sgd, 1)) {
      a.setKerasWeights(w);
      b.setKerasWeights(w);
      double activity = 0;
      double[][] grad = new double[3][2];
      for (int n = 0; n < 4; n++) {
        for (int j = 0; j < 2; j++) {
          double pre = bias[j];
          for (int i = 0; i < 3; i++) {
            pre += X[3 * n + i] * k[i][j];
          }
          activity += Math.abs(Math.max(pre, 0));
          for (int i = 0; i < 3; i++) {
            grad[i][j] += pre > 0 ? l1 * X[3 * n + i] : 0; // d(l1 |relu(pre)|)/dk
          }
        }
      }
      double plainLoss = a.trainBatch(X, y, 4).meanLoss();
      double regLoss = b.trainBatch(X, y, 4).meanLoss();
      assertTrue(activity > 0);
      // Keras 3: l1 Σ|h| over the whole batch, not divided by the batch size
      assertEquals(plainLoss + l1 * activity, regLoss, 1e-5);
      float[] ka = a.kerasWeights().get(0).values();
      float[] kb = b.kerasWeights().get(0).values();
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 2; j++) {
          assertEquals(ka[2 * i + j] - lr * grad[i][j], kb[2 * i + j], 1e-6, "kernel " + i + j);
        }
      }
      assertEquals(a.kerasWeights().get(2), b.kerasWeights().get(2));
    }
  }

  @Test
  void l2ActivityRegularizerOfTheOutputLayerSeesTheActivatedOutput() {
    double l2 = 0.1;
    Dense plain = Dense.units(2).activation("sigmoid");
    Dense reg = plain.rules(WeightRules.NONE.regularizer("activity", Regularizer.l2(l2)));
    try (Network a = net(plain, 0.1); Network b = net(reg, 0.1)) {
      double activity = sumSquares(a.predict(X, 4));
      double plainLoss = a.trainBatch(X, Y, 4).meanLoss();
      double regLoss = b.trainBatch(X, Y, 4).meanLoss();
      assertEquals(plainLoss + l2 * activity, regLoss, 1e-5);
    }
  }

  @Test
  void maxNormClipsEachUnitsKernelColumnAfterTheUpdate() {
    double max = 0.5;
    Dense plain = Dense.units(2);
    Dense con = plain.rules(WeightRules.NONE.constraint("kernel", Constraint.maxNorm(max)));
    try (Network a = net(plain, 5.0); Network b = net(con, 5.0)) {
      a.trainBatch(X, Y, 4);
      b.trainBatch(X, Y, 4);
      float[] ka = a.kerasWeights().get(0).values(); // (3 inputs, 2 units)
      float[] kb = b.kerasWeights().get(0).values();
      for (int j = 0; j < 2; j++) {
        double n = 0;
        double nb = 0;
        for (int i = 0; i < 3; i++) {
          n += ka[2 * i + j] * ka[2 * i + j];
          nb += kb[2 * i + j] * kb[2 * i + j];
        }
        n = Math.sqrt(n);
        assertTrue(n > max, "the plain step leaves the norm above max_value: " + n);
        assertTrue(Math.sqrt(nb) <= max + 1e-6, "column " + j + " norm " + Math.sqrt(nb));
        for (int i = 0; i < 3; i++) {
          assertEquals(ka[2 * i + j] * Math.min(n, max) / (1e-7 + n), kb[2 * i + j], 1e-6);
        }
      }
      assertEquals(a.kerasWeights().get(1), b.kerasWeights().get(1));
    }
  }

  @Test
  void nonNegZeroesNegativeWeightsAfterTheUpdate() {
    Dense plain = Dense.units(2);
    Dense con = plain.rules(WeightRules.NONE.constraint("kernel", Constraint.nonNeg())
        .constraint("bias", Constraint.nonNeg()));
    try (Network a = net(plain, 1.0); Network b = net(con, 1.0)) {
      a.trainBatch(X, Y, 4);
      b.trainBatch(X, Y, 4);
      for (int t = 0; t < 2; t++) {
        float[] va = a.kerasWeights().get(t).values();
        float[] vb = b.kerasWeights().get(t).values();
        boolean anyNegative = false;
        for (int i = 0; i < va.length; i++) {
          anyNegative |= va[i] < 0;
          assertEquals(Math.max(va[i], 0f), vb[i], 0f);
        }
        assertTrue(anyNegative, "the plain step makes some weight negative");
      }
    }
  }

  @Test
  void recurrentKernelAndBiasRegularizersUseKerasWeights() {
    double l2 = 0.02;
    Sequential plain = Sequential.of(Recurrent.lstm(2), Dense.units(1)).inputShape(3, 2);
    Sequential reg = Sequential.of(Recurrent.lstm(2).rules(WeightRules.NONE
        .regularizer("recurrent_kernel", Regularizer.l2(l2))
        .regularizer("bias", new Regularizer(l2, l2))), Dense.units(1)).inputShape(3, 2);
    CompileOptions sgd =
        new CompileOptions(Loss.of("mse"), new Optimizer.SGD(0.1, 0.0, false), List.of());
    float[] y = {0.5f, -0.5f};
    try (Network a = Network.create(plain, sgd, 3); Network b = Network.create(reg, sgd, 3)) {
      List<Tensor> w = a.kerasWeights();
      b.setKerasWeights(w);
      double expected = l2 * sumSquares(w.get(1).values());
      for (float v : w.get(2).values()) {
        expected += l2 * Math.abs(v) + l2 * v * v; // the LSTM bias starts with ones (forget gate)
      }
      double plainLoss = a.trainBatch(X, y, 2).meanLoss();
      double regLoss = b.trainBatch(X, y, 2).meanLoss();
      assertEquals(plainLoss + expected, regLoss, 1e-5);
    }
  }

  @Test
  void convolutionAndEmbeddingConstraintsWorkInKerasLayout() {
    // Conv1D kernel (kernel_size 2, in 2, filters 3): UnitNorm over axes [0, 1] makes each
    // filter's weights a unit vector, whatever DJL's (filters, in, size) layout
    Sequential conv = Sequential.of(Conv1D.filters(3, 2).rules(WeightRules.NONE
        .constraint("kernel", Constraint.unitNorm().axis(0, 1))
        .regularizer("kernel", Regularizer.l2(0.1))), Flatten.of(), Dense.units(1))
        .inputShape(3, 2);
    CompileOptions sgd =
        new CompileOptions(Loss.of("mse"), new Optimizer.SGD(0.5, 0.0, false), List.of());
    try (Network net = Network.create(conv, sgd, 4)) {
      net.trainBatch(X, new float[] {1f, -1f}, 2);
      float[] k = net.kerasWeights().get(0).values();
      for (int f = 0; f < 3; f++) {
        double n = 0;
        for (int i = 0; i < 4; i++) {
          n += k[3 * i + f] * k[3 * i + f];
        }
        assertEquals(1.0, Math.sqrt(n), 1e-5, "filter " + f);
      }
    }
    Sequential emb = Sequential.of(Embedding.of(5, 2).rules(WeightRules.NONE
        .constraint("embeddings", Constraint.nonNeg())), Flatten.of(), Dense.units(1))
        .inputShape(3);
    try (Network net = Network.create(emb, sgd, 4)) {
      for (int s = 0; s < 3; s++) {
        net.trainBatch(new float[] {0, 1, 2, 3, 4, 1}, new float[] {5f, -5f}, 2);
      }
      for (float v : net.kerasWeights().get(0).values()) {
        assertTrue(v >= 0, "embedding " + v);
      }
    }
  }

  @Test
  void constraintFormulasOnAxes() {
    // a (2, 3) kernel; axis 0 norms per column, axis 1 per row
    float[] w = {3f, 0f, -1f, 4f, 0f, 1f};
    float[] byCol = WeightPenalties.apply(Constraint.unitNorm(), w, new int[] {2, 3});
    assertEquals(0.6f, byCol[0], 1e-6f);
    assertEquals(0.8f, byCol[3], 1e-6f);
    assertEquals(-Math.sqrt(0.5), byCol[2], 1e-6);
    float[] byRow = WeightPenalties.apply(Constraint.maxNorm(1).axis(1), w, new int[] {2, 3});
    assertEquals(3 / Math.sqrt(10), byRow[0], 1e-6);
    assertEquals(4 / Math.sqrt(17), byRow[3], 1e-6);
    float[] mm = WeightPenalties.apply(Constraint.minMaxNorm(6, 8, 0.5), w, new int[] {2, 3});
    // column 0 has norm 5: desired 0.5·6 + 0.5·5 = 5.5
    assertEquals(3 * 5.5 / 5, mm[0], 1e-5);
  }
}
