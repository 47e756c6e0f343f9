package dev.sparkdl.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.sparkdl.engine.Network;
import dev.sparkdl.engine.Tensor;
import dev.sparkdl.spec.BatchNormalization;
import dev.sparkdl.spec.Conv1D;
import dev.sparkdl.spec.Conv2D;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Dropout;
import dev.sparkdl.spec.Embedding;
import dev.sparkdl.spec.Flatten;
import dev.sparkdl.spec.GlobalPooling;
import dev.sparkdl.spec.Pooling;
import dev.sparkdl.spec.Recurrent;
import dev.sparkdl.spec.Reshape;
import dev.sparkdl.spec.Sequential;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Runs exported models in ONNX Runtime and compares with the engine's predictions on the same
 * inputs, weights perturbed at random so that biases and BatchNormalization's moving statistics
 * are not their trivial initial values.
 */
public class OnnxExportTest {
  static final double TOLERANCE = 1e-5;

  /** The course MLP: 784-500 BN dropout relu -50 BN dropout relu -10 softmax. */
  static Sequential courseMlp() {
    return Sequential.of(Dense.units(500), BatchNormalization.defaults(), Dropout.rate(0.3),
        dev.sparkdl.spec.Activation.of("relu"), Dense.units(50), BatchNormalization.defaults(),
        Dropout.rate(0.3), dev.sparkdl.spec.Activation.of("relu"),
        Dense.units(10).activation("softmax")).inputShape(784);
  }

  /** Keras' MNIST convnet example. */
  static Sequential mnistConvnet() {
    return Sequential.of(Conv2D.filters(32).kernelSize(3, 3).activation("relu"),
        Pooling.max2D(2, 2), Conv2D.filters(64).kernelSize(3, 3).activation("relu"),
        Pooling.max2D(2, 2), new Flatten(), Dropout.rate(0.5),
        Dense.units(10).activation("softmax")).inputShape(28, 28, 1);
  }

  @Test
  void courseMlpMatches() throws Exception {
    assertMatches(courseMlp(), 300, 1f, false);
  }

  @Test
  void mnistConvnetMatches() throws Exception {
    assertMatches(mnistConvnet(), 200, 1f, false);
  }

  @Test
  void lstmClassifierOnEmbeddingsMatches() throws Exception {
    Sequential s = Sequential.of(Embedding.of(20, 8), Recurrent.lstm(16),
        Dense.units(3).activation("softmax")).inputShape(12);
    assertMatches(s, 300, 20f, true);
  }

  @Test
  void stackedLstmReturningSequencesMatches() throws Exception {
    Sequential s = Sequential.of(Recurrent.lstm(8).returnSequences(true), Recurrent.lstm(6),
        Dense.units(1).activation("sigmoid")).inputShape(10, 3);
    assertMatches(s, 300, 1f, false);
  }

  @Test
  void gruAndSimpleRnnMatch() throws Exception {
    Sequential s = Sequential.of(Recurrent.gru(8).returnSequences(true),
        Recurrent.simpleRnn(5).activation("relu").returnSequences(true),
        GlobalPooling.average1D(), Dense.units(2).activation("softmax")).inputShape(7, 4);
    assertMatches(s, 300, 1f, false);
  }

  @Test
  void samePaddingConvolutionsAndPoolingMatch() throws Exception {
    Sequential s = Sequential.of(Reshape.to(9, 4), Conv1D.filters(6, 4).padding("same")
            .activation("elu"), Pooling.average1D(2).padding("same"),
        BatchNormalization.defaults(), Reshape.to(5, 3, 2),
        Conv2D.filters(4).kernelSize(2, 2).strides(2, 2).padding("same").activation("tanh"),
        Pooling.max2D(2, 2).padding("same"), GlobalPooling.max2D(),
        Dense.units(3).activation("leaky_relu"), Dense.units(2).activation("gelu"))
        .inputShape(36);
    assertMatches(s, 200, 1f, false);
  }

  @Test
  void causalConvolutionAndUnevenSamePoolingMatch() throws Exception {
    // causal: all padding before; pool 2 / stride 1 'same': one padded position after
    Sequential s = Sequential.of(Reshape.to(9, 4),
        new Conv1D(6, 3, 1, "causal", "tanh", 2, true, "glorot_uniform", "zeros"),
        Pooling.average1D(2).strides(1).padding("same"), Reshape.to(9, 3, 2),
        Pooling.max2D(2, 2).strides(1, 1).padding("same"),
        Pooling.average2D(2, 2).strides(1, 1).padding("same"), GlobalPooling.average2D(),
        Dense.units(2).activation("softmax")).inputShape(36);
    assertMatches(s, 200, 1f, false);
  }

  @Test
  void refusesChannelsFirstNamingIt() {
    Sequential s = Sequential.of(Conv1D.filters(2, 2).dataFormat("channels_first"),
        GlobalPooling.max1D(), Dense.units(2)).inputShape(3, 8);
    try (dev.sparkdl.engine.Network net = dev.sparkdl.engine.Network.create(s, null, 1)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> OnnxExport.toBytes(s, net.kerasWeights(), "test"));
      assertTrue(e.getMessage().contains("Layer 0 (Conv1D)")
          && e.getMessage().contains("channels_first"), e.getMessage());
    }
  }

  @Test
  void advancedActivationLayersMatch() throws Exception {
    // every argument path of ReLU, the other layers at non-default arguments, a softmax over
    // the first per-sample axis, and Softmax() as the output head
    Sequential s = Sequential.of(Dense.units(12), dev.sparkdl.spec.ReLU.defaults(),
        Dense.units(12), dev.sparkdl.spec.ReLU.defaults().maxValue(1.4).negativeSlope(0.2)
            .threshold(0.2),
        Dense.units(12), dev.sparkdl.spec.ReLU.defaults().negativeSlope(0.5).maxValue(6),
        Dense.units(12), dev.sparkdl.spec.LeakyReLU.slope(0.5),
        Dense.units(12), dev.sparkdl.spec.ELU.alpha(0.7),
        Dense.units(12), dev.sparkdl.spec.ThresholdedReLU.theta(0.3), Reshape.to(3, 4),
        dev.sparkdl.spec.Softmax.axis(1), Flatten.of(), Dense.units(5),
        dev.sparkdl.spec.Softmax.defaults()).inputShape(6);
    assertMatches(s, 300, 1f, false);
  }

  @Test
  void refusesARecurrentFormOnnxDoesNotComputeNamingIt() {
    Recurrent backwards = new Recurrent("LSTM", 3, "tanh", false, "sigmoid", true, true, 0, 0,
        true, true, "glorot_uniform", "orthogonal", "zeros");
    Sequential s = Sequential.of(backwards, Dense.units(2)).inputShape(4, 2);
    try (dev.sparkdl.engine.Network net = dev.sparkdl.engine.Network.create(s, null, 1)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> OnnxExport.toBytes(s, net.kerasWeights(), "test"));
      assertTrue(e.getMessage().contains("go_backwards=true"), e.getMessage());
    }
  }

  @Test
  void refusesAnUnknownLayerNamingIt() {
    Sequential s = Sequential.of(Dense.units(2), new dev.sparkdl.spec.LayerSpec() {
      @Override
      public String className() {
        return "Mystery";
      }

      @Override
      public Map<String, Object> config() {
        return Map.of();
      }

      @Override
      public List<Integer> outputShape(List<Integer> input) {
        return input;
      }
    }).inputShape(3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OnnxExport.toBytes(s, List.of(Tensor.of(new float[][] {{1, 2}, {3, 4}, {5, 6}}),
            Tensor.of(0f, 0f)), "test"));
    assertTrue(e.getMessage().contains("Layer 1 (Mystery)"), e.getMessage());
  }

  static void assertMatches(Sequential spec, int rows, float scale, boolean integers)
      throws Exception {
    int in = spec.inputShape().stream().reduce(1, (a, b) -> a * b);
    Random rnd = new Random(7);
    float[] x = new float[rows * in];
    for (int i = 0; i < x.length; i++) {
      x[i] = integers ? rnd.nextInt((int) scale) : (float) rnd.nextGaussian() * scale;
    }
    float[] expected;
    List<Tensor> weights;
    try (Network net = Network.create(spec, null, 3)) {
      net.setKerasWeights(perturbed(net.kerasWeights(), rnd));
      weights = net.kerasWeights();
      expected = net.predict(x, rows);
    }
    byte[] model = OnnxExport.toBytes(spec, weights, "test");
    float[] actual = runOnnx(model, x, rows, spec.inputShape());
    assertEquals(expected.length, actual.length);
    double max = 0;
    double spread = 0;
    for (int i = 0; i < actual.length; i++) {
      max = Math.max(max, Math.abs(actual[i] - expected[i]));
      spread = Math.max(spread, Math.abs(expected[i] - expected[i % (expected.length / rows)]));
    }
    System.out.printf("%s: max |onnx - spark-dl| = %.3g over %d rows (outputs vary by %.3g)%n",
        spec.layers().stream().map(l -> l.className()).toList(), max, rows, spread);
    assertTrue(max <= TOLERANCE, "max difference " + max);
  }

  /** Adds noise to every array; variances (BatchNormalization's 4th) stay positive. */
  static List<Tensor> perturbed(List<Tensor> w, Random rnd) {
    List<Tensor> out = new ArrayList<>();
    for (Tensor t : w) {
      float[] v = t.values().clone();
      boolean positive = isVariance(t, w, out.size());
      for (int i = 0; i < v.length; i++) {
        v[i] = positive ? 0.5f + rnd.nextFloat() : v[i] + 0.1f * (float) rnd.nextGaussian();
      }
      out.add(new Tensor(t.shape(), v));
    }
    return out;
  }

  private static boolean isVariance(Tensor t, List<Tensor> all, int index) {
    // BatchNormalization's four arrays are 1-D and of equal length; the variance is the fourth
    return t.shape().length == 1 && index >= 3
        && all.get(index - 3).shape().length == 1 && all.get(index - 2).shape().length == 1
        && all.get(index - 1).shape().length == 1
        && all.get(index - 3).shape()[0] == t.shape()[0];
  }

  public static float[] runOnnx(byte[] model, float[] x, int rows, List<Integer> shape)
      throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    long[] dims = new long[shape.size() + 1];
    dims[0] = rows;
    for (int i = 0; i < shape.size(); i++) {
      dims[i + 1] = shape.get(i);
    }
    try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
        OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), dims);
        OrtSession.Result r = session.run(Map.of(OnnxExport.INPUT, input))) {
      FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
      float[] out = new float[b.remaining()];
      b.get(out);
      return out;
    }
  }
}
