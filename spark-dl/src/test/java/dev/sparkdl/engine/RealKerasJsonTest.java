package dev.sparkdl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.spec.Initializers;
import dev.sparkdl.spec.Recurrent;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.spec.SpecException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Real Keras-written model JSON (test resources keras-json/, see PROVENANCE.md) read and built. */
class RealKerasJsonTest {
  private static final Path DIR = Paths.get("src/test/resources/keras-json");

  static Stream<Path> files() throws IOException {
    return Files.list(DIR).filter(p -> p.toString().endsWith(".json")).sorted();
  }

  @ParameterizedTest
  @MethodSource("files")
  void loadsAndBuilds(Path file) throws IOException {
    Sequential s = Sequential.fromJson(Files.readString(file, StandardCharsets.UTF_8));
    try (Network net = Network.create(s, null, 1)) {
      assertTrue(net.kerasWeights().size() > 0, file.toString());
    }
  }

  static Stream<Path> forms() throws IOException {
    return Files.list(DIR.resolve("forms")).filter(p -> p.toString().endsWith(".json")).sorted();
  }

  /** JSON in each Keras version's shape (forms/README.md); variable-length inputs get 20 steps. */
  @ParameterizedTest
  @MethodSource("forms")
  void eachKerasVersionsFormLoadsAndBuilds(Path file) throws IOException {
    Sequential s = Sequential.fromJson(Files.readString(file, StandardCharsets.UTF_8));
    if (s.inputShape() == null) {
      s = s.inputShape(20);
    }
    try (Network net = Network.create(s, null, 1)) {
      assertTrue(net.kerasWeights().size() > 0, file.toString());
    }
  }

  @Test
  void keras1TimeDistributedDenseIsTimeDistributedOfDense() throws IOException {
    Sequential s = Sequential.fromJson(Files.readString(
        DIR.resolve("dl4j-lstm_tddense_keras_1_config.json"), StandardCharsets.UTF_8));
    assertEquals(dev.sparkdl.spec.TimeDistributed.of(dev.sparkdl.spec.Dense.units(3)),
        s.layers().get(2));
    assertEquals(java.util.List.of(10, 3), s.outputShape(s.inputShape()));
  }

  @Test
  void keras1EmbeddingDropoutDropsWholeWordsWhileTraining() {
    dev.sparkdl.spec.Embedding e = new dev.sparkdl.spec.Embedding(50, 4, "random_uniform",
        dev.sparkdl.spec.WeightRules.NONE, 0.5);
    Sequential s = Sequential.of(e, dev.sparkdl.spec.Flatten.of(),
        dev.sparkdl.spec.Dense.units(1)).inputShape(6);
    assertEquals(s, Sequential.fromJson(s.toJson()), "dropout round-trips in Keras 1's key");
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
      EmbeddingBlock block = new EmbeddingBlock(50, 4, 0.5f, () -> rnd);
      block.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(2, 6));
      ai.djl.training.ParameterStore store = new ai.djl.training.ParameterStore(m, false);
      float[] table = block.getParameters().get("embeddings").getArray().toFloatArray();
      // every token id appears twice in a row: a dropped word is dropped at both places
      float[] x = {7, 7, 3, 3, 11, 11, 7, 7, 3, 3, 11, 11};
      ai.djl.ndarray.NDList in = new ai.djl.ndarray.NDList(
          m.create(x, new ai.djl.ndarray.types.Shape(2, 6)));
      int dropped = 0;
      int kept = 0;
      for (int batch = 0; batch < 20; batch++) {
        float[] rows = block.forward(store, in, true).singletonOrThrow().toFloatArray();
        for (int r = 0; r < 12; r += 2) {
          int token = (int) x[r];
          for (int k = 0; k < 4; k++) {
            float a = rows[r * 4 + k];
            assertEquals(a, rows[(r + 1) * 4 + k], 0f, "same word, same mask within a batch");
            float w = table[token * 4 + k];
            assertTrue(a == 0f || Math.abs(a - 2 * w) < 1e-6, "0 or scaled by 1/(1-p): " + a);
          }
          if (rows[r * 4] == 0f) {
            dropped++;
          } else {
            kept++;
          }
        }
      }
      assertTrue(dropped > 20 && kept > 20, "about half the words dropped: " + dropped + "/" + kept);
      float[] inference = block.forward(store, in, false).singletonOrThrow().toFloatArray();
      for (int r = 0; r < 12; r++) {
        for (int k = 0; k < 4; k++) {
          assertEquals(table[(int) x[r] * 4 + k], inference[r * 4 + k], 0f, "none at inference");
        }
      }
    }
  }

  @Test
  void variableLengthEmbeddingLstmLoads() {
    String json = "{\"class_name\": \"Sequential\", \"config\": {\"layers\": ["
        + "{\"class_name\": \"Embedding\", \"config\": {\"input_dim\": 100, \"output_dim\": 8,"
        + " \"batch_input_shape\": [null, null], \"mask_zero\": false, \"input_length\": null}},"
        + "{\"class_name\": \"LSTM\", \"config\": {\"units\": 4, \"activation\": \"relu\","
        + " \"recurrent_activation\": \"hard_sigmoid\", \"stateful\": false, \"unroll\": false,"
        + " \"recurrent_initializer\": {\"class_name\": \"Orthogonal\", \"config\": {\"gain\": 1.0}},"
        + " \"kernel_regularizer\": null}},"
        + "{\"class_name\": \"Dense\", \"config\": {\"units\": 1}}]}, \"keras_version\": \"2.2.4\"}";
    Sequential s = Sequential.fromJson(json);
    assertEquals(null, s.inputShape());
    Recurrent r = (Recurrent) s.layers().get(1);
    assertEquals("hard_sigmoid_keras2", r.recurrentActivation());
    try (Network net = Network.create(s, null, List.of(7), 1)) {
      float[] out = net.predict(new float[] {1, 2, 3, 4, 5, 6, 7, 3, 3, 3, 3, 3, 3, 3}, 2);
      assertEquals(2, out.length);
    }
  }

  @Test
  void keras1FileLoads() {
    // the form Keras 1.x writes (hand-written here in that form)
    String json = "{\"class_name\": \"Sequential\", \"keras_version\": \"1.2.2\", \"config\": ["
        + "{\"class_name\": \"Convolution1D\", \"config\": {\"nb_filter\": 4, \"filter_length\": 3,"
        + " \"subsample_length\": 1, \"border_mode\": \"same\", \"init\": \"glorot_uniform\","
        + " \"activation\": \"relu\", \"bias\": true, \"W_regularizer\": null, \"b_regularizer\": null,"
        + " \"W_constraint\": null, \"b_constraint\": null, \"activity_regularizer\": null,"
        + " \"input_dim\": 2, \"input_length\": 10, \"batch_input_shape\": [null, 10, 2],"
        + " \"input_dtype\": \"float32\", \"trainable\": true, \"name\": \"c\"}},"
        + "{\"class_name\": \"MaxPooling1D\", \"config\": {\"pool_length\": 2, \"stride\": 2,"
        + " \"border_mode\": \"valid\", \"name\": \"p\", \"trainable\": true}},"
        + "{\"class_name\": \"LSTM\", \"config\": {\"output_dim\": 5, \"init\": \"glorot_uniform\","
        + " \"inner_init\": \"orthogonal\", \"forget_bias_init\": \"one\", \"activation\": \"tanh\","
        + " \"inner_activation\": \"hard_sigmoid\", \"W_regularizer\": null, \"U_regularizer\": null,"
        + " \"b_regularizer\": null, \"dropout_W\": 0.0, \"dropout_U\": 0.0, \"return_sequences\":"
        + " false, \"go_backwards\": false, \"stateful\": false, \"unroll\": false,"
        + " \"consume_less\": \"cpu\", \"input_dim\": 4, \"input_length\": null, \"name\": \"l\"}},"
        + "{\"class_name\": \"Dropout\", \"config\": {\"p\": 0.5, \"name\": \"d\"}},"
        + "{\"class_name\": \"Dense\", \"config\": {\"output_dim\": 3, \"init\": \"uniform\","
        + " \"activation\": \"softmax\", \"bias\": true, \"input_dim\": 5, \"name\": \"o\"}}]}";
    Sequential s = Sequential.fromJson(json);
    assertEquals(List.of(10, 2), s.inputShape());
    try (Network net = Network.create(s, null, 1)) {
      assertEquals(3, net.predict(new float[20], 1).length);
    }
  }

  @Test
  void gruBothWaysAndOtherRecurrentOptionsBuild() {
    for (Recurrent r : List.of(Recurrent.gru(3).resetAfter(false), Recurrent.gru(3),
        Recurrent.lstm(3).activation("relu").goBackwards(true).dropout(0.2, 0.2),
        Recurrent.simpleRnn(3).useBias(false).activation("selu"),
        Recurrent.gru(3).useBias(false).recurrentActivation("hard_sigmoid"))) {
      Sequential s = Sequential.of(r).inputShape(4, 2);
      try (Network net = Network.create(s, null, 1)) {
        List<Tensor> w = net.kerasWeights();
        assertEquals(r.useBias() ? 3 : 2, w.size(), r.toString());
        long params = w.stream().mapToLong(Tensor::size).sum();
        assertEquals(s.paramCount(), params, r.toString());
        assertEquals(3, net.predict(new float[8], 1).length);
      }
    }
    // reset_after=false: one bias (3u); true: (2, 3u)
    assertEquals(3 * 2 * 3 + 3 * 3 * 3 + 9, Recurrent.gru(3).resetAfter(false).paramCount(List.of(4, 2)));
    assertEquals(3 * 2 * 3 + 3 * 3 * 3 + 18, Recurrent.gru(3).paramCount(List.of(4, 2)));
  }

  @Test
  void initializersDrawFromTheirDistributions() {
    int[] shape = {200, 300};
    double fanIn = 200;
    double fanAvg = 250;
    check("random_uniform(minval=-0.3, maxval=0.1)", shape, -0.1, Math.sqrt(0.4 * 0.4 / 12), -0.3, 0.1);
    check("random_normal(mean=1.0, stddev=0.2)", shape, 1.0, 0.2, -1e9, 1e9);
    check("truncated_normal(stddev=0.1)", shape, 0, 0.1 * 0.8796, -0.2, 0.2);
    check("glorot_uniform", shape, 0, Math.sqrt(6 / (2 * fanAvg)) / Math.sqrt(3), -Math.sqrt(3 / fanAvg), Math.sqrt(3 / fanAvg));
    check("he_normal", shape, 0, Math.sqrt(2 / fanIn), -2 * Math.sqrt(2 / fanIn) / 0.8796, 2 * Math.sqrt(2 / fanIn) / 0.8796);
    check(Initializers.check("VarianceScaling(scale=3.0, mode=fan_out, distribution=untruncated_normal)"),
        shape, 0, Math.sqrt(3 / 300.0), -1e9, 1e9);
    check("constant(value=0.7)", shape, 0.7, 0, 0.7, 0.7);
    check("lecun_uniform", shape, 0, Math.sqrt(1 / fanIn), -Math.sqrt(3 / fanIn), Math.sqrt(3 / fanIn));
    // orthogonal with gain: rows of W^T W = gain^2 I
    float[] q = KerasInitializers.fill("orthogonal(gain=2.0)", new int[] {30, 20}, new SplittableRandom(1));
    for (int a = 0; a < 20; a++) {
      double dot = 0;
      for (int r = 0; r < 30; r++) {
        dot += q[r * 20 + a] * q[r * 20 + a];
      }
      assertEquals(4.0, dot, 1e-3);
    }
    float[] eye = KerasInitializers.fill("identity(gain=0.5)", new int[] {3, 3}, new SplittableRandom(1));
    assertEquals(0.5f, eye[4]);
    assertEquals(0f, eye[1]);
  }

  private static void check(String init, int[] shape, double mean, double std, double lo, double hi) {
    float[] v = KerasInitializers.fill(Initializers.check(init), shape, new SplittableRandom(42));
    double m = 0;
    for (float x : v) {
      m += x;
      assertTrue(x >= lo - 1e-6 && x <= hi + 1e-6, init + ": " + x);
    }
    m /= v.length;
    double s = 0;
    for (float x : v) {
      s += (x - m) * (x - m);
    }
    s = Math.sqrt(s / v.length);
    assertEquals(mean, m, 0.01 + 0.01 * Math.abs(mean), init + " mean");
    assertEquals(std, s, 0.03 * std + 1e-6, init + " std");
  }

  @Test
  void refusedConstructsAreNamedWithTheFirstUnsupportedLayer() {
    String third = "{\"class_name\": \"Sequential\", \"config\": {\"layers\": ["
        + "{\"class_name\": \"Dense\", \"config\": {\"units\": 4, \"batch_input_shape\": [null, 3]}},"
        + "{\"class_name\": \"Dense\", \"config\": {\"units\": 4}},"
        + "{\"class_name\": \"LSTM\", \"config\": {\"units\": 4, \"stateful\": true}},"
        + "{\"class_name\": \"Bogus\", \"config\": {}}]}}";
    String m = assertThrows(SpecException.class, () -> Sequential.fromJson(third)).getMessage();
    assertTrue(m.startsWith("Layer 2 (LSTM): LSTM: stateful=true is not supported"), m);
    m = assertThrows(SpecException.class, () -> Sequential.fromJson(third.replace(
        "\"stateful\": true", "\"stateful\": false"))).getMessage();
    assertTrue(m.startsWith("Layer 3 (Bogus): Unknown layer class_name 'Bogus'"), m);
    String bn = "[{\"class_name\": \"BatchNormalization\", \"config\": {\"renorm\": true}}]";
    m = assertThrows(SpecException.class, () -> Sequential.fromJson(bn)).getMessage();
    assertTrue(m.contains("BatchNormalization: renorm=true is not supported"), m);
    String reg = "[{\"class_name\": \"Dense\", \"config\": {\"units\": 2, \"W_regularizer\":"
        + " {\"name\": \"WeightRegularizer\", \"l2\": -0.01}}}]";
    m = assertThrows(SpecException.class, () -> Sequential.fromJson(reg)).getMessage();
    assertTrue(m.contains("Dense: `W_regularizer`: A regularizer's l1 and l2 must be finite"
        + " numbers >= 0"), m);
    String cf = "[{\"class_name\": \"MaxPooling2D\", \"config\": {\"dim_ordering\": \"th\"}}]";
    m = assertThrows(SpecException.class, () -> Sequential.fromJson(cf)).getMessage();
    assertTrue(m.contains("MaxPooling2D: dim_ordering='th' is not supported"), m);
    String init = "[{\"class_name\": \"Dense\", \"config\": {\"units\": 2, \"kernel_initializer\":"
        + " {\"class_name\": \"RandomNormal\", \"config\": {\"sigma\": 1}}}}]";
    m = assertThrows(SpecException.class, () -> Sequential.fromJson(init)).getMessage();
    assertTrue(m.contains("`kernel_initializer` RandomNormal: unsupported argument sigma=1"), m);
  }
}
