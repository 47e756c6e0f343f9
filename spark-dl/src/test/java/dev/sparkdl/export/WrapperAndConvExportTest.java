package dev.sparkdl.export;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.engine.Network;
import dev.sparkdl.spec.Bidirectional;
import dev.sparkdl.spec.Conv2DTranspose;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.DepthwiseConv2D;
import dev.sparkdl.spec.Flatten;
import dev.sparkdl.spec.LayerSpec;
import dev.sparkdl.spec.Recurrent;
import dev.sparkdl.spec.SeparableConv;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.spec.TimeDistributed;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ONNX and .keras export refuse the layers they do not translate, naming the layer. */
class WrapperAndConvExportTest {

  @Test
  void eachNewLayerIsRefusedByNameByBothExports() throws Exception {
    Object[][] cases = {
      {Conv2DTranspose.filters(2).strides(2, 2), List.of(4, 4, 1)},
      {DepthwiseConv2D.kernelSize(3, 3), List.of(5, 5, 2)},
      {SeparableConv.conv2D(2, 3, 3), List.of(5, 5, 2)},
      {SeparableConv.conv1D(2, 3), List.of(6, 2)},
      {Bidirectional.of(Recurrent.lstm(2)), List.of(4, 3)},
      {TimeDistributed.of(Dense.units(2)), List.of(4, 3)},
    };
    for (Object[] c : cases) {
      LayerSpec layer = (LayerSpec) c[0];
      @SuppressWarnings("unchecked")
      Sequential s = new Sequential(List.of(layer, Flatten.of(), Dense.units(1)),
          (List<Integer>) c[1]);
      try (Network net = Network.create(s, null, 1)) {
        String onnx = assertThrows(IllegalArgumentException.class,
            () -> OnnxExport.toBytes(s, net.kerasWeights(), "test")).getMessage();
        assertTrue(onnx.contains("Layer 0 (" + layer.className() + ") cannot be exported to ONNX:"
            + " no ONNX translation for it. Exportable layers:"), onnx);
        String keras = assertThrows(IllegalArgumentException.class,
            () -> KerasExport.write(s, null, net.kerasWeights(), new ByteArrayOutputStream()))
            .getMessage();
        assertTrue(keras.contains("Layer 0 (" + layer.className() + ") cannot be exported to"
            + " .keras: spark-dl does not write this layer's weights"), keras);
      }
    }
  }
}
