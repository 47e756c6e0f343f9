package dev.sparkdl.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkdl.engine.Network;
import dev.sparkdl.engine.Tensor;
import dev.sparkdl.ml.KerasModels;
import dev.sparkdl.spec.Bidirectional;
import dev.sparkdl.spec.CompileOptions;
import dev.sparkdl.spec.Conv2D;
import dev.sparkdl.spec.Conv2DTranspose;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.DepthwiseConv2D;
import dev.sparkdl.spec.Flatten;
import dev.sparkdl.spec.Recurrent;
import dev.sparkdl.spec.Reshape;
import dev.sparkdl.spec.SeparableConv;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.spec.TimeDistributed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Conv2DTranspose, DepthwiseConv2D, SeparableConv1D/2D, Bidirectional and TimeDistributed in
 * .keras archives (Keras 3's config and weight paths), read back by {@link KerasModels#read}
 * with the same network, weights and predictions; ONNX's refusals for the forms its operators
 * do not compute ({@link OnnxToolboxExportTest} runs the others in ONNX Runtime).
 */
class WrapperAndConvExportTest {

  @Test
  void convolutionsAndWrappersRoundTripThroughKeras3Archive() throws Exception {
    Sequential s = Sequential.of(
        Conv2DTranspose.filters(3).kernelSize(3, 2).strides(2, 2).padding("same")
            .outputPadding(1, 0),
        DepthwiseConv2D.kernelSize(3, 3).depthMultiplier(2).activation("relu"),
        SeparableConv.conv2D(4, 2, 2).depthMultiplier(2).padding("same"),
        TimeDistributed.of(Flatten.of()), SeparableConv.conv1D(3, 2).dilationRate(2),
        Bidirectional.of(Recurrent.lstm(4).returnSequences(true)),
        TimeDistributed.of(Dense.units(3).activation("tanh")),
        Bidirectional.of(Recurrent.gru(2)).mergeMode("ave"),
        Reshape.to(2, 1), TimeDistributed.of(Dense.units(2)),
        Flatten.of(), Dense.units(2).activation("softmax")).inputShape(4, 3, 2);
    CompileOptions compile = CompileOptions.of("categorical_crossentropy", "adam");
    Map<String, Object> files = KerasExportTest.roundTrip(s, compile, 24, false);
    @SuppressWarnings("unchecked")
    Map<String, float[]> h5 = (Map<String, float[]>) files.get("h5");
    for (String path : List.of("layers/conv2d_transpose/vars/1",
        "layers/depthwise_conv2d/vars/1", "layers/separable_conv2d/vars/2",
        "layers/separable_conv1d/vars/2", "layers/bidirectional/forward_layer/cell/vars/2",
        "layers/bidirectional/backward_layer/cell/vars/0",
        "layers/bidirectional_1/backward_layer/cell/vars/2",
        "layers/time_distributed_1/layer/vars/1", "layers/time_distributed_2/layer/vars/0")) {
      assertTrue(h5.containsKey(path), path + " in " + h5.keySet());
    }
    JsonNode bi = ((JsonNode) files.get("config")).path("config").path("layers").get(6)
        .path("config");
    assertEquals("forward_lstm", bi.path("layer").path("config").path("name").asText());
    assertEquals("backward_lstm", bi.path("backward_layer").path("config").path("name").asText());
    assertTrue(bi.path("backward_layer").path("config").path("go_backwards").asBoolean());

    // the library's own .keras reader: same network, same Keras weights, same predictions
    Path file = Files.createTempFile("spark-dl-wrappers-", ".keras");
    try {
      Files.write(file, (byte[]) files.get("bytes"));
      KerasModels.Imported back = KerasModels.read(file.toString());
      assertEquals(s, back.network());
      @SuppressWarnings("unchecked")
      List<Tensor> weights = (List<Tensor>) files.get("weights");
      assertEquals(weights.size(), back.weights().size());
      for (int i = 0; i < weights.size(); i++) {
        assertArrayEquals(weights.get(i).shape(), back.weights().get(i).shape(), "array " + i);
        assertArrayEquals(weights.get(i).values(), back.weights().get(i).values(), "array " + i);
      }
      float[] x = (float[]) files.get("x");
      try (Network net = Network.create(back.network(), compile, 1)) {
        net.setKerasWeights(back.weights());
        assertArrayEquals((float[]) files.get("expected"), net.predict(x, x.length / 24));
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void onnxRefusesWhatItsOperatorsDoNotComputeNamingIt() {
    Recurrent backwards = Recurrent.lstm(3).goBackwards(true);
    Object[][] cases = {
      {Bidirectional.of(backwards), List.of(4, 3), "go_backwards=true"},
      {Bidirectional.of(Recurrent.gru(3).activation("relu")), List.of(4, 3), "activation=relu"},
      {Conv2DTranspose.filters(2).dataFormat("channels_first"), List.of(1, 4, 4),
          "Layer 0 (Conv2DTranspose) cannot be exported to ONNX: data_format='channels_first'"},
      {TimeDistributed.of(Conv2D.filters(2).dataFormat("channels_first")), List.of(3, 1, 4, 4),
          "Layer 0 (TimeDistributed) cannot be exported to ONNX: data_format='channels_first'"},
    };
    for (Object[] c : cases) {
      @SuppressWarnings("unchecked")
      Sequential s = new Sequential(List.of((dev.sparkdl.spec.LayerSpec) c[0], Flatten.of(),
          Dense.units(1)), (List<Integer>) c[1]);
      try (Network net = Network.create(s, null, 1)) {
        String e = assertThrows(IllegalArgumentException.class,
            () -> OnnxExport.toBytes(s, net.kerasWeights(), "test")).getMessage();
        assertTrue(e.contains((String) c[2]), e);
      }
    }
  }
}
