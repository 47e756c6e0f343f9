package dev.sparkdl.export;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.engine.Network;
import dev.sparkdl.spec.AlphaDropout;
import dev.sparkdl.spec.CompileOptions;
import dev.sparkdl.spec.Cropping;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Flatten;
import dev.sparkdl.spec.GaussianDropout;
import dev.sparkdl.spec.GaussianNoise;
import dev.sparkdl.spec.GlobalPooling;
import dev.sparkdl.spec.LayerNormalization;
import dev.sparkdl.spec.PReLU;
import dev.sparkdl.spec.Permute;
import dev.sparkdl.spec.RepeatVector;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.spec.SpatialDropout;
import dev.sparkdl.spec.UpSampling;
import dev.sparkdl.spec.ZeroPadding;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Export of PReLU, LayerNormalization, the shape and the noise layers: all of them to .keras
 * (Keras 3 has each class), the noise layers (identity at inference) and keepdims to ONNX
 * ({@link OnnxToolboxExportTest} runs the others in ONNX Runtime), and ONNX's refusals naming
 * the layer.
 */
class ToolboxLayersExportTest {

  @Test
  void everyNewLayerRoundTripsThroughKeras3Archive() throws Exception {
    Sequential s = Sequential.of(ZeroPadding.of2D(1, 2), Cropping.of2D(0, 1, 1, 0),
        UpSampling.of2D(2, 2).interpolation("bilinear"), SpatialDropout.of2D(0.2),
        PReLU.defaults().sharedAxes(1, 2), LayerNormalization.defaults(),
        GlobalPooling.average2D().keepdims(true), Flatten.of(), RepeatVector.of(3),
        Permute.of(2, 1), SpatialDropout.of1D(0.1), ZeroPadding.of1D(1), Cropping.of1D(0, 1),
        UpSampling.of1D(2), GaussianNoise.stddev(0.1), GaussianDropout.rate(0.1),
        AlphaDropout.rate(0.1), LayerNormalization.defaults().axis(1, 2), PReLU.defaults(),
        Flatten.of(), Dense.units(2).activation("softmax")).inputShape(4, 4, 2);
    @SuppressWarnings("unchecked")
    Map<String, float[]> h5 = (Map<String, float[]>) KerasExportTest.roundTrip(s,
        CompileOptions.of("categorical_crossentropy", "adam"), 32, false).get("h5");
    assertTrue(h5.containsKey("layers/p_re_lu/vars/0"), h5.keySet().toString());
    assertTrue(h5.containsKey("layers/layer_normalization/vars/1"), h5.keySet().toString());
    assertTrue(h5.containsKey("layers/layer_normalization_1/vars/0"), h5.keySet().toString());
  }

  @Test
  void noiseLayersAndKeepdimsExportToOnnx() throws Exception {
    Sequential s = Sequential.of(dev.sparkdl.spec.Conv2D.filters(3), SpatialDropout.of2D(0.3),
        GaussianNoise.stddev(0.2), GlobalPooling.max2D().keepdims(true), Flatten.of(),
        Dense.units(4), GaussianDropout.rate(0.2), AlphaDropout.rate(0.1), Dense.units(2))
        .inputShape(5, 5, 2);
    OnnxExportTest.assertMatches(s, 20, 1f, false);
  }

  @Test
  void refusesForOnnxWhatItsOperatorsDoNotComputeNamingIt() {
    Sequential leading = Sequential.of(LayerNormalization.defaults().axis(1), Flatten.of())
        .inputShape(4, 2);
    Sequential channelsFirst = Sequential.of(ZeroPadding.of2D(1, 1).dataFormat("channels_first"),
        Flatten.of()).inputShape(2, 4, 4);
    try (Network a = Network.create(leading, null, 1);
        Network b = Network.create(channelsFirst, null, 1)) {
      String e = assertThrows(IllegalArgumentException.class,
          () -> OnnxExport.toBytes(leading, a.kerasWeights(), "test")).getMessage();
      assertTrue(e.contains("Layer 0 (LayerNormalization) cannot be exported to ONNX:"
          + " axis=[1] on input [4, 2] are not its trailing axes"), e);
      e = assertThrows(IllegalArgumentException.class,
          () -> OnnxExport.toBytes(channelsFirst, b.kerasWeights(), "test")).getMessage();
      assertTrue(e.contains("Layer 0 (ZeroPadding2D) cannot be exported to ONNX:"
          + " data_format='channels_first'"), e);
    }
  }
}
