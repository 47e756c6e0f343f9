package dev.sparkdl.export;

import dev.sparkdl.spec.Bidirectional;
import dev.sparkdl.spec.Conv2D;
import dev.sparkdl.spec.Conv2DTranspose;
import dev.sparkdl.spec.Cropping;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.DepthwiseConv2D;
import dev.sparkdl.spec.Flatten;
import dev.sparkdl.spec.GlobalPooling;
import dev.sparkdl.spec.LayerNormalization;
import dev.sparkdl.spec.LayerSpec;
import dev.sparkdl.spec.PReLU;
import dev.sparkdl.spec.Permute;
import dev.sparkdl.spec.Recurrent;
import dev.sparkdl.spec.RepeatVector;
import dev.sparkdl.spec.Reshape;
import dev.sparkdl.spec.SeparableConv;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.spec.TimeDistributed;
import dev.sparkdl.spec.UpSampling;
import dev.sparkdl.spec.ZeroPadding;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The toolbox layers in ONNX Runtime against spark-dl's own predictions on random inputs, with
 * random weights (max abs difference at most {@link OnnxExportTest#TOLERANCE}).
 */
class OnnxToolboxExportTest {

  @Test
  void activationNormalisationAndShapeLayersMatch() throws Exception {
    Sequential s = Sequential.of(ZeroPadding.of2D(1, 0, 2, 1), Cropping.of2D(1, 0, 0, 2),
        UpSampling.of2D(2, 3).interpolation("bilinear"), PReLU.defaults().sharedAxes(1, 2),
        UpSampling.of2D(2, 1), LayerNormalization.defaults(),
        Conv2D.filters(2).kernelSize(3, 3).strides(2, 2), Permute.of(2, 1, 3),
        LayerNormalization.defaults().axis(2, 3).epsilon(0.01), Reshape.to(8, 14),
        ZeroPadding.of1D(1), Cropping.of1D(2, 1), UpSampling.of1D(2), PReLU.defaults(),
        LayerNormalization.defaults().centerAndScale(false, true), GlobalPooling.average1D(),
        RepeatVector.of(3), Flatten.of(), Dense.units(3).activation("softmax"))
        .inputShape(4, 5, 2);
    OnnxExportTest.assertMatches(s, 40, 1f, false);
  }

  @Test
  void convolutionsAndWrappersMatch() throws Exception {
    Object[][] cases = {
      {Conv2DTranspose.filters(2).kernelSize(3, 3).strides(2, 2).padding("same"), List.of(4, 5, 3)},
      {Conv2DTranspose.filters(2).kernelSize(2, 3).strides(3, 2), List.of(3, 4, 2)},
      {Conv2DTranspose.filters(3).kernelSize(3, 2).strides(2, 2).padding("same")
          .outputPadding(1, 0).activation("tanh"), List.of(3, 4, 2)},
      {Conv2DTranspose.filters(2).kernelSize(3, 3).dilationRate(2, 2).padding("same")
          .useBias(false), List.of(5, 4, 2)},
      {Conv2DTranspose.filters(2).kernelSize(4, 4).strides(2, 3).outputPadding(1, 2),
          List.of(3, 3, 1)},
      {DepthwiseConv2D.kernelSize(3, 3).depthMultiplier(2).strides(2, 2).padding("same")
          .activation("relu"), List.of(6, 5, 3)},
      {DepthwiseConv2D.kernelSize(2, 3).dilationRate(2, 1).useBias(false), List.of(5, 5, 2)},
      {SeparableConv.conv2D(4, 3, 3).depthMultiplier(2).padding("same"), List.of(5, 6, 3)},
      {SeparableConv.conv1D(3, 3).dilationRate(2).activation("elu"), List.of(9, 2)},
      {SeparableConv.conv1D(2, 2).strides(2).padding("same").useBias(false), List.of(7, 3)},
      {Bidirectional.of(Recurrent.lstm(4).returnSequences(true)), List.of(5, 3)},
      {Bidirectional.of(Recurrent.lstm(3)).mergeMode("mul"), List.of(5, 3)},
      {Bidirectional.of(Recurrent.gru(3).returnSequences(true)).mergeMode("sum"), List.of(5, 3)},
      {Bidirectional.of(Recurrent.gru(4)), List.of(6, 2)},
      {Bidirectional.of(Recurrent.simpleRnn(3).returnSequences(true)).mergeMode("ave"),
          List.of(4, 3)},
      {Bidirectional.of(Recurrent.simpleRnn(3).activation("relu")), List.of(4, 3)},
      {TimeDistributed.of(Dense.units(4).activation("relu")), List.of(5, 3)},
      {TimeDistributed.of(Conv2D.filters(2).kernelSize(2, 2)), List.of(3, 4, 4, 2)},
      {TimeDistributed.of(LayerNormalization.defaults()), List.of(3, 4)},
    };
    for (Object[] c : cases) {
      @SuppressWarnings("unchecked")
      Sequential s = new Sequential(List.of((LayerSpec) c[0], Flatten.of(), Dense.units(2)),
          (List<Integer>) c[1]);
      OnnxExportTest.assertMatches(s, 30, 1f, false);
    }
  }
}
