package dev.sparkdl.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Output shapes and parameter counts against Keras' formulas (and model.summary() figures). */
class LayerShapesTest {

  private static void check(LayerSpec l, List<Integer> in, List<Integer> out, long params) {
    assertEquals(out, l.outputShape(in), l + " on " + in);
    assertEquals(params, l.paramCount(in), l + " params on " + in);
  }

  @Test
  void everyLayersShapeAndParameters() {
    check(Dense.units(500), List.of(784), List.of(500), 392_500);
    check(Dense.units(10).useBias(false), List.of(5, 50), List.of(5, 10), 500);
    check(BatchNormalization.defaults(), List.of(500), List.of(500), 2_000);
    assertEquals(1_000, BatchNormalization.defaults().nonTrainableCount(List.of(500)));
    check(Dropout.rate(0.3), List.of(7, 3), List.of(7, 3), 0);
    check(Activation.of("relu"), List.of(4), List.of(4), 0);
    check(Flatten.of(), List.of(5, 5, 64), List.of(1_600), 0);
    check(Reshape.to(28, 28, 1), List.of(784), List.of(28, 28, 1), 0);
    check(Rescaling.scale(0.5), List.of(3, 3), List.of(3, 3), 0);
    // Keras: Conv2D(32, 3x3) on 28x28x1 -> (26, 26, 32), 320 params
    check(Conv2D.filters(32), List.of(28, 28, 1), List.of(26, 26, 32), 320);
    check(Conv2D.filters(64), List.of(13, 13, 32), List.of(11, 11, 64), 18_496);
    check(Conv2D.filters(16).kernelSize(5, 5).strides(2, 2).padding("same"), List.of(28, 28, 3),
        List.of(14, 14, 16), 5 * 5 * 3 * 16 + 16);
    check(Conv2D.filters(4).dilationRate(2, 2), List.of(10, 10, 1), List.of(6, 6, 4), 40);
    check(Conv1D.filters(8, 3), List.of(12, 2), List.of(10, 8), 3 * 2 * 8 + 8);
    check(Conv1D.filters(8, 4).padding("same"), List.of(12, 2), List.of(12, 8), 72);
    check(Pooling.max2D(2, 2), List.of(26, 26, 32), List.of(13, 13, 32), 0);
    check(Pooling.max2D(2, 2), List.of(11, 11, 64), List.of(5, 5, 64), 0);
    check(Pooling.max2D(2, 2).padding("same"), List.of(11, 11, 64), List.of(6, 6, 64), 0);
    check(Pooling.average2D(3, 3).strides(1, 1), List.of(5, 5, 2), List.of(3, 3, 2), 0);
    check(Pooling.max1D(2), List.of(9, 3), List.of(4, 3), 0);
    check(GlobalPooling.average2D(), List.of(5, 5, 64), List.of(64), 0);
    check(GlobalPooling.max1D(), List.of(9, 3), List.of(3), 0);
    // Keras: Conv1D(padding='causal') keeps ceil(steps / strides)
    check(Conv1D.filters(4, 2).padding("causal"), List.of(16, 3), List.of(16, 4), 2 * 3 * 4 + 4);
    check(new Conv1D(4, 2, 3, "causal", "linear", 1, true, "glorot_uniform", "zeros"),
        List.of(16, 3), List.of(6, 4), 28);
    // data_format='channels_first': (channels, spatial...) in and out
    check(Conv1D.filters(4, 2).dataFormat("channels_first"), List.of(3, 16), List.of(4, 15), 28);
    check(Conv2D.filters(8).dataFormat("channels_first"), List.of(3, 28, 28),
        List.of(8, 26, 26), 3 * 3 * 3 * 8 + 8);
    check(Pooling.max2D(2, 2).dataFormat("channels_first"), List.of(8, 26, 26),
        List.of(8, 13, 13), 0);
    check(Pooling.average1D(2).padding("same").dataFormat("channels_first"), List.of(4, 5),
        List.of(4, 3), 0);
    check(GlobalPooling.average2D().dataFormat("channels_first"), List.of(8, 5, 5), List.of(8),
        0);
    check(GlobalPooling.max1D().dataFormat("channels_first"), List.of(4, 9), List.of(4), 0);
    // Keras: LSTM(32) on (12, 1) -> 4 * (32 * (1 + 32) + 32) = 4352
    check(Recurrent.lstm(32), List.of(12, 1), List.of(32), 4_352);
    check(Recurrent.lstm(32).returnSequences(true), List.of(12, 1), List.of(12, 32), 4_352);
    // Keras (reset_after=True): GRU(8) on (5, 3) -> 3 * 8 * (3 + 8) + 2 * 3 * 8 = 312
    check(Recurrent.gru(8), List.of(5, 3), List.of(8), 312);
    check(Recurrent.simpleRnn(4), List.of(6, 2), List.of(4), 4 * (2 + 4) + 4);
    check(Embedding.of(1000, 16), List.of(20), List.of(20, 16), 16_000);
  }

  @Test
  void impossibleShapesNameBothShapes() {
    String m = assertThrows(SpecException.class, () -> Conv2D.filters(32).outputShape(List.of(784))).getMessage();
    assertTrue(m.contains("Conv2D(32, 3x3) needs inputs of shape (height, width, channels), but its input has shape [784]"), m);
    assertTrue(m.contains("inputShape(28, 28, 1)"), m);
    m = assertThrows(SpecException.class,
        () -> Conv2D.filters(8).kernelSize(5, 5).outputShape(List.of(3, 3, 1))).getMessage();
    assertTrue(m.contains("the kernel 5x5 does not fit the input 3x3x1 with padding='valid'"), m);
    m = assertThrows(SpecException.class, () -> Recurrent.lstm(8).outputShape(List.of(10))).getMessage();
    assertTrue(m.contains("LSTM(8) needs sequence inputs of shape (timesteps, features), but its input has shape [10]"), m);
    m = assertThrows(SpecException.class, () -> Reshape.to(5, 5).outputShape(List.of(24))).getMessage();
    assertTrue(m.contains("needs 25 values per sample, but its input [24] has 24"), m);
    m = assertThrows(SpecException.class, () -> Pooling.max2D(4, 4).outputShape(List.of(3, 3, 1))).getMessage();
    assertTrue(m.contains("the pool 4x4 does not fit the input 3x3x1"), m);
  }

  @Test
  void summaryHasKerasCounts() {
    Sequential mlp = KerasJsonTest.COURSE_MLP;
    String s = mlp.summary();
    assertTrue(s.contains("dense (Dense)"), s);
    assertTrue(s.contains("(None, 500)"), s);
    assertTrue(s.contains("392,500"), s);
    assertTrue(s.contains("batch_normalization_1 (BatchNormalization)"), s);
    // 392,500 + 2,000 + 25,050 + 200 + 510
    assertTrue(s.contains("Total params: 420,260"), s);
    assertTrue(s.contains("Trainable params: 419,160"), s);
    assertTrue(s.contains("Non-trainable params: 1,100"), s);
    assertEquals(420_260, mlp.paramCount());
    Sequential cnn = KerasJsonTest.CONVNET;
    // Keras' mnist_convnet example: 34,826 parameters
    assertEquals(34_826, cnn.paramCount());
    assertTrue(cnn.summary().contains("(None, 5, 5, 64)"), cnn.summary());
  }
}
