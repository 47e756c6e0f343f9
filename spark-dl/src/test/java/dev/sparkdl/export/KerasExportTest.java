package dev.sparkdl.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkdl.engine.Network;
import dev.sparkdl.engine.Tensor;
import dev.sparkdl.spec.CompileOptions;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Embedding;
import dev.sparkdl.spec.Recurrent;
import dev.sparkdl.spec.Sequential;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * Writes .keras archives and reads them back with this library's own Keras JSON reader and jHDF:
 * the same network, the same weights (bit for bit), the same predictions.
 */
class KerasExportTest {

  @Test
  void courseMlpRoundTrips() throws Exception {
    roundTrip(OnnxExportTest.courseMlp(), CompileOptions.of("categorical_crossentropy", "adam",
        "accuracy"), 784, false);
  }

  @Test
  void mnistConvnetRoundTrips() throws Exception {
    roundTrip(OnnxExportTest.mnistConvnet(), CompileOptions.of("categorical_crossentropy",
        "adam", "accuracy"), 784, false);
  }

  @Test
  void lstmClassifierRoundTrips() throws Exception {
    Sequential s = Sequential.of(Embedding.of(20, 8), Recurrent.lstm(16).returnSequences(true),
        Recurrent.gru(4), Dense.units(2), Dense.units(3).activation("softmax")).inputShape(12);
    Map<String, Object> files = roundTrip(s, CompileOptions.of("categorical_crossentropy", "sgd"),
        12, true);
    @SuppressWarnings("unchecked")
    Map<String, float[]> h5 = (Map<String, float[]>) files.get("h5");
    assertTrue(h5.containsKey("layers/lstm/cell/vars/0"), h5.keySet().toString());
    assertTrue(h5.containsKey("layers/gru/cell/vars/2"), h5.keySet().toString());
    assertTrue(h5.containsKey("layers/dense_1/vars/1"), h5.keySet().toString());
  }

  @Test
  void recurrentOptionsRoundTrip() throws Exception {
    // the options read from Keras files travel out and back: LSTM with relu and hard_sigmoid,
    // a GRU in Keras 2's reset_after=false form without bias, a SimpleRNN read backwards
    Recurrent lstm = new Recurrent("LSTM", 6, "relu", true, "hard_sigmoid", true, false, 0, 0,
        true, true, "glorot_uniform", "orthogonal", "zeros");
    Recurrent gru = new Recurrent("GRU", 5, "tanh", true, "sigmoid", false, false, 0, 0, false,
        true, "glorot_uniform", "orthogonal", "zeros");
    Recurrent rnn = new Recurrent("SimpleRNN", 4, "tanh", false, "sigmoid", true, true, 0, 0,
        true, true, "glorot_uniform", "orthogonal", "zeros");
    Sequential s = Sequential.of(Embedding.of(20, 8), lstm, gru, rnn,
        Dense.units(3).activation("softmax")).inputShape(10);
    roundTrip(s, CompileOptions.of("categorical_crossentropy", "adam"), 10, true);
  }

  @Test
  void channelsFirstAndCausalRoundTrip() throws Exception {
    Sequential s = Sequential.of(
        dev.sparkdl.spec.Conv1D.filters(4, 2).padding("causal").dataFormat("channels_first"),
        dev.sparkdl.spec.Pooling.max1D(2).strides(1).padding("same")
            .dataFormat("channels_first"),
        dev.sparkdl.spec.GlobalPooling.average1D().dataFormat("channels_first"),
        Dense.units(2).activation("softmax")).inputShape(3, 8);
    roundTrip(s, CompileOptions.of("categorical_crossentropy", "adam"), 24, false);
  }

  @Test
  void activationLayersRoundTripWithKeras3Names() throws Exception {
    Sequential s = Sequential.of(Dense.units(8), dev.sparkdl.spec.ReLU.defaults().maxValue(1.4)
            .negativeSlope(0.2).threshold(0.2), Dense.units(8),
        dev.sparkdl.spec.LeakyReLU.slope(0.5), Dense.units(8), dev.sparkdl.spec.ELU.alpha(0.7),
        Dense.units(3), dev.sparkdl.spec.Softmax.defaults()).inputShape(5);
    Map<String, Object> files = roundTrip(s, CompileOptions.of("categorical_crossentropy",
        "adam"), 5, false);
    JsonNode layers = ((JsonNode) files.get("config")).path("config").path("layers");
    assertEquals("ReLU", layers.get(2).path("class_name").asText());
    assertEquals("re_lu", layers.get(2).path("config").path("name").asText());
    assertEquals(0.2, layers.get(2).path("config").path("threshold").asDouble());
    assertEquals("leaky_re_lu", layers.get(4).path("config").path("name").asText());
    assertEquals(0.5, layers.get(4).path("config").path("negative_slope").asDouble());
    assertTrue(layers.get(4).path("config").path("alpha").isMissingNode());
    assertEquals("ELU", layers.get(6).path("class_name").asText());
    assertEquals(-1, layers.get(8).path("config").path("axis").asInt());
  }

  @Test
  void refusesThresholdedReluWhichKeras3LacksNamingTheReplacement() {
    Sequential s = Sequential.of(Dense.units(2), dev.sparkdl.spec.ThresholdedReLU.theta(0.5))
        .inputShape(3);
    try (Network net = Network.create(s, null, 1)) {
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
          IllegalArgumentException.class, () -> KerasExport.write(s, null, net.kerasWeights(),
              new ByteArrayOutputStream()));
      assertTrue(e.getMessage().contains("ThresholdedReLU")
          && e.getMessage().contains("ReLU(threshold=0.5)"), e.getMessage());
    }
  }

  @Test
  void snakeCaseIsKeras() {
    assertEquals("re_lu", KerasExport.snakeCase("ReLU"));
    assertEquals("leaky_re_lu", KerasExport.snakeCase("LeakyReLU"));
    assertEquals("elu", KerasExport.snakeCase("ELU"));
    assertEquals("conv2d", KerasExport.snakeCase("Conv2D"));
    assertEquals("max_pooling2d", KerasExport.snakeCase("MaxPooling2D"));
    assertEquals("simple_rnn", KerasExport.snakeCase("SimpleRNN"));
    assertEquals("batch_normalization", KerasExport.snakeCase("BatchNormalization"));
    assertEquals("global_average_pooling1d", KerasExport.snakeCase("GlobalAveragePooling1D"));
    assertEquals("lstm", KerasExport.snakeCase("LSTM"));
  }

  static Map<String, Object> roundTrip(Sequential spec, CompileOptions compile, int in,
      boolean integers) throws Exception {
    Random rnd = new Random(11);
    int rows = 64;
    float[] x = new float[rows * in];
    for (int i = 0; i < x.length; i++) {
      x[i] = integers ? rnd.nextInt(20) : (float) rnd.nextGaussian();
    }
    List<Tensor> weights;
    float[] expected;
    try (Network net = Network.create(spec, compile, 5)) {
      net.setKerasWeights(OnnxExportTest.perturbed(net.kerasWeights(), rnd));
      weights = net.kerasWeights();
      expected = net.predict(x, rows);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    KerasExport.write(spec, compile, weights, bytes);

    Map<String, byte[]> members = new HashMap<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        members.put(e.getName(), zip.readAllBytes());
      }
    }
    assertEquals(java.util.Set.of("config.json", "metadata.json", "model.weights.h5"),
        members.keySet());
    ObjectMapper m = new ObjectMapper();
    JsonNode meta = m.readTree(members.get("metadata.json"));
    assertTrue(meta.path("keras_version").asText().startsWith("3."));
    assertTrue(meta.path("date_saved").asText().matches("\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d"));
    JsonNode config = m.readTree(members.get("config.json"));
    assertEquals("keras", config.path("module").asText());
    assertEquals("Sequential", config.path("class_name").asText());
    assertEquals(compile.loss().name(), config.path("compile_config").path("loss").asText());
    assertEquals("keras.optimizers",
        config.path("compile_config").path("optimizer").path("module").asText());

    // the network, read back by this library's own Keras JSON reader
    Sequential back = Sequential.fromJson(new String(members.get("config.json"),
        java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(spec, back);

    // the weights, read back with jHDF in Keras' order
    Map<String, float[]> h5 = new HashMap<>();
    List<Tensor> read = new ArrayList<>();
    try (HdfFile f = HdfFile.fromBytes(members.get("model.weights.h5"))) {
      List<String> names = KerasExport.layerNames(spec);
      int w = 0;
      for (int i = 0; i < spec.layers().size(); i++) {
        List<String> groups = KerasExport.varsPaths(spec.layers().get(i), names.get(i));
        int count = KerasExport.weightCount(spec.layers().get(i));
        for (String vars : groups) {
          for (int k = 0; k < Math.max(count, 0) / groups.size(); k++) {
            Dataset d = f.getDatasetByPath(vars + "/" + k);
            int[] shape = d.getDimensions();
            float[] flat = flatten(d.getData(), weights.get(w).size());
            assertArrayEquals(weights.get(w).shape(), shape, vars + "/" + k);
            assertArrayEquals(weights.get(w).values(), flat, vars + "/" + k);
            h5.put(vars + "/" + k, flat);
            read.add(new Tensor(shape, flat));
            w++;
          }
        }
      }
      assertEquals(weights.size(), w);
    }
    try (Network net = Network.create(back, compile, 99)) {
      net.setKerasWeights(read);
      assertArrayEquals(expected, net.predict(x, rows));
    }
    return Map.of("h5", h5, "config", config, "bytes", bytes.toByteArray(), "x", x,
        "expected", expected, "weights", weights);
  }

  private static float[] flatten(Object data, int size) {
    float[] out = new float[size];
    int n = fill(data, out, 0);
    assertEquals(size, n);
    return out;
  }

  private static int fill(Object a, float[] out, int pos) {
    if (a instanceof float[] row) {
      System.arraycopy(row, 0, out, pos, row.length);
      return pos + row.length;
    }
    for (int i = 0; i < Array.getLength(a); i++) {
      pos = fill(Array.get(a, i), out, pos);
    }
    return pos;
  }
}
