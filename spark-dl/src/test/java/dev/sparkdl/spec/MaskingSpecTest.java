package dev.sparkdl.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Embedding's {@code mask_zero} in Keras 1, 2 and 3 JSON, the chains of layers that may carry
 * Keras' mask, and the refusals of the others.
 */
class MaskingSpecTest {
  private static final String DTYPE = "{\"module\": \"keras\", \"class_name\": \"DTypePolicy\","
      + " \"config\": {\"name\": \"float32\"}, \"registered_name\": null}";

  /** A Keras 3 LSTM config as Bidirectional serializes its layers. */
  private static String lstm(String name, int units, boolean sequences, boolean backwards) {
    return "{\"module\": \"keras.layers\", \"class_name\": \"LSTM\", \"config\": {\"name\": \""
        + name + "\", \"trainable\": true, \"dtype\": " + DTYPE + ", \"return_sequences\": "
        + sequences + ", \"return_state\": false, \"go_backwards\": " + backwards + ","
        + " \"stateful\": false, \"unroll\": false, \"zero_output_for_mask\": " + sequences + ","
        + " \"units\": " + units + ", \"activation\": \"tanh\", \"recurrent_activation\":"
        + " \"sigmoid\", \"use_bias\": true, \"kernel_initializer\": {\"module\":"
        + " \"keras.initializers\", \"class_name\": \"GlorotUniform\", \"config\": {\"seed\":"
        + " null}, \"registered_name\": null}, \"recurrent_initializer\": {\"module\":"
        + " \"keras.initializers\", \"class_name\": \"Orthogonal\", \"config\": {\"gain\": 1.0,"
        + " \"seed\": null}, \"registered_name\": null}, \"bias_initializer\": {\"module\":"
        + " \"keras.initializers\", \"class_name\": \"Zeros\", \"config\": {},"
        + " \"registered_name\": null}, \"unit_forget_bias\": true, \"kernel_regularizer\": null,"
        + " \"recurrent_regularizer\": null, \"bias_regularizer\": null,"
        + " \"activity_regularizer\": null, \"kernel_constraint\": null,"
        + " \"recurrent_constraint\": null, \"bias_constraint\": null, \"dropout\": 0.0,"
        + " \"recurrent_dropout\": 0.0, \"seed\": null}, \"registered_name\": null}";
  }

  private static String bidirectional(String name, int units, boolean sequences) {
    return "{\"module\": \"keras.layers\", \"class_name\": \"Bidirectional\", \"config\":"
        + " {\"name\": \"" + name + "\", \"trainable\": true, \"dtype\": " + DTYPE + ","
        + " \"merge_mode\": \"concat\", \"layer\": " + lstm("forward_" + name, units, sequences,
        false) + ", \"backward_layer\": " + lstm("backward_" + name, units, sequences, true)
        + "}, \"registered_name\": null}";
  }

  private static String dense(String name, int units, String activation) {
    return "{\"module\": \"keras.layers\", \"class_name\": \"Dense\", \"config\": {\"name\": \""
        + name + "\", \"trainable\": true, \"dtype\": " + DTYPE + ", \"units\": " + units + ","
        + " \"activation\": \"" + activation + "\", \"use_bias\": true, \"kernel_initializer\":"
        + " {\"module\": \"keras.initializers\", \"class_name\": \"GlorotUniform\", \"config\":"
        + " {\"seed\": null}, \"registered_name\": null}, \"bias_initializer\": {\"module\":"
        + " \"keras.initializers\", \"class_name\": \"Zeros\", \"config\": {},"
        + " \"registered_name\": null}, \"kernel_regularizer\": null, \"bias_regularizer\": null,"
        + " \"kernel_constraint\": null, \"bias_constraint\": null}, \"registered_name\": null}";
  }

  /**
   * The TensorFlow text-classification tutorial's model (its TextVectorization replaced by the
   * input of token indices), as Keras 3's {@code model.to_json()} writes it; the stacked form
   * has Bidirectional(LSTM(64, return_sequences=True)) first, whose layers Keras writes with
   * {@code zero_output_for_mask: true}.
   */
  private static String tutorial(boolean stacked) {
    String embedding = "{\"module\": \"keras.layers\", \"class_name\": \"Embedding\", \"config\":"
        + " {\"name\": \"embedding\", \"trainable\": true, \"dtype\": " + DTYPE + ","
        + " \"input_dim\": 1000, \"output_dim\": 64, \"embeddings_initializer\": {\"module\":"
        + " \"keras.initializers\", \"class_name\": \"RandomUniform\", \"config\": {\"minval\":"
        + " -0.05, \"maxval\": 0.05, \"seed\": null}, \"registered_name\": null},"
        + " \"embeddings_regularizer\": null, \"activity_regularizer\": null,"
        + " \"embeddings_constraint\": null, \"mask_zero\": true}, \"registered_name\": null,"
        + " \"build_config\": {\"input_shape\": [null, null]}}";
    return "{\"module\": \"keras\", \"class_name\": \"Sequential\", \"config\": {\"name\":"
        + " \"sequential\", \"trainable\": true, \"dtype\": " + DTYPE + ", \"layers\": ["
        + "{\"module\": \"keras.layers\", \"class_name\": \"InputLayer\", \"config\":"
        + " {\"batch_shape\": [null, null], \"dtype\": \"int64\", \"sparse\": false,"
        + " \"name\": \"input_layer\"}, \"registered_name\": null}, " + embedding + ", "
        + (stacked ? bidirectional("bidirectional", 64, true) + ", "
            + bidirectional("bidirectional_1", 32, false)
            : bidirectional("bidirectional", 64, false))
        + ", " + dense("dense", 64, "relu") + ", " + dense("dense_1", 1, "linear")
        + "], \"build_input_shape\": [null, null]}, \"registered_name\": null,"
        + " \"build_config\": {\"input_shape\": [null, null]}}";
  }

  @Test
  void keras3TutorialModelReadsWithItsMask() {
    Sequential read = Sequential.fromJson(tutorial(false));
    Sequential want = Sequential.of(Embedding.of(1000, 64).maskZero(true),
        Bidirectional.of(Recurrent.lstm(64)), Dense.units(64).activation("relu"),
        Dense.units(1));
    assertEquals(want, read);
    Sequential sized = read.withInputShape(List.of(20));
    // Keras' summary: 64,000 + 2 × 4 × 64 × (64 + 64 + 1) + 128 × 64 + 64 + 65
    assertEquals(138_369, sized.paramCount());
    assertEquals(want.withInputShape(List.of(20)).summary(),
        Sequential.of(Embedding.of(1000, 64), Bidirectional.of(Recurrent.lstm(64)),
            Dense.units(64).activation("relu"), Dense.units(1))
            .withInputShape(List.of(20)).summary(), "the mask changes no shape or count");
    assertEquals(read, Sequential.fromJson(read.toJson()), "mask_zero round-trips");
    assertTrue(read.toJson().contains("\"mask_zero\":true"), read.toJson());
    assertFalse(Sequential.of(Embedding.of(5, 2)).toJson().contains("mask_zero"));

    Sequential stacked = Sequential.fromJson(tutorial(true));
    assertEquals(Bidirectional.of(Recurrent.lstm(64).returnSequences(true)),
        stacked.layers().get(1), "zero_output_for_mask as Bidirectional sets it is read");
    assertArrayEquals(new boolean[] {false, true, true, false, false},
        MaskChain.check(stacked.layers()));
  }

  @Test
  void keras1And2FormsRead() {
    String keras1 = "{\"class_name\": \"Embedding\", \"config\": {\"trainable\": true, \"name\":"
        + " \"embedding_1\", \"activity_regularizer\": null, \"W_constraint\": null, \"init\":"
        + " \"uniform\", \"input_dtype\": \"int32\", \"mask_zero\": true, \"input_dim\": 200,"
        + " \"W_regularizer\": null, \"dropout\": 0.0, \"output_dim\": 8, \"input_length\":"
        + " null}}";
    assertEquals(new Embedding(200, 8, "uniform", WeightRules.NONE).maskZero(true),
        LayerSpec.fromJson(keras1));
    String keras2 = "{\"class_name\": \"Embedding\", \"config\": {\"name\": \"embedding\","
        + " \"trainable\": true, \"dtype\": \"float32\", \"input_dim\": 200, \"output_dim\": 8,"
        + " \"embeddings_initializer\": {\"class_name\": \"RandomUniform\", \"config\":"
        + " {\"minval\": -0.05, \"maxval\": 0.05, \"seed\": null}}, \"embeddings_regularizer\":"
        + " null, \"activity_regularizer\": null, \"embeddings_constraint\": null,"
        + " \"mask_zero\": true, \"input_length\": 40}}";
    Embedding e = (Embedding) LayerSpec.fromJson(keras2);
    assertTrue(e.maskZero());
    assertEquals(e, LayerSpec.fromJson(e.toJson()));
    // zero_output_for_mask outside Bidirectional is still refused: a layer of its own would
    // output zeros at masked steps, which spark-dl does not compute
    String m = assertThrows(SpecException.class, () -> LayerSpec.fromJson("{\"class_name\":"
        + " \"LSTM\", \"config\": {\"units\": 2, \"return_sequences\": true,"
        + " \"zero_output_for_mask\": true}}")).getMessage();
    assertTrue(m.contains("zero_output_for_mask"), m);
  }

  @Test
  void supportedChainsCarryTheMaskToItsConsumer() {
    Embedding masking = Embedding.of(50, 4).maskZero(true);
    List<LayerSpec> chain = List.of(masking, new SpatialDropout(1, 0.2, null), Dropout.rate(0.1),
        Activation.of("tanh"), Dense.units(3), new Recurrent("GRU", 5, "tanh", true),
        Recurrent.simpleRnn(2), Dense.units(1));
    assertArrayEquals(new boolean[] {false, true, true, true, true, true, true, false},
        MaskChain.check(chain));
    assertArrayEquals(new boolean[] {false, true, false},
        MaskChain.check(List.of(masking, new GlobalPooling("Average", 1, null, false),
            Dense.units(1))));
    assertArrayEquals(new boolean[] {false, true, false},
        MaskChain.check(List.of(masking, new GlobalPooling("Max", 1, null, false),
            Dense.units(1))));
    // after the consumer any layer goes
    new Sequential(List.of(masking, Recurrent.lstm(4), Reshape.to(2, 2), Flatten.of(),
        Dense.units(1)), List.of(10));
  }

  @Test
  void otherLayersOnTheMaskAreRefusedByName() {
    Embedding masking = Embedding.of(50, 4).maskZero(true);
    List<LayerSpec> refused = List.of(Conv1D.filters(2, 3), Flatten.of(), Reshape.to(2, 10),
        Pooling.max1D(2), BatchNormalization.defaults(), TimeDistributed.of(Dense.units(2)),
        new GlobalPooling("Average", 1, "channels_first", false));
    for (LayerSpec l : refused) {
      String m = assertThrows(SpecException.class,
          () -> Sequential.of(masking, l, Recurrent.lstm(2))).getMessage();
      assertTrue(m.startsWith("Layer 1 (" + l.className() + ") receives the mask of"
          + " Embedding(mask_zero=True)"), m);
      assertTrue(m.contains("Keras' masking semantics for " + l.className()
          + " are not supported"), m);
    }
    // a network whose output still carries the mask: Keras would mask the loss
    for (List<LayerSpec> open : List.<List<LayerSpec>>of(List.of(masking),
        List.of(masking, Recurrent.lstm(3).returnSequences(true), Dense.units(1)))) {
      Sequential s = new Sequential(open, List.of(10)); // a prefix may be built up
      String m = assertThrows(SpecException.class, () -> MaskChain.check(s.layers()))
          .getMessage();
      assertTrue(m.contains("the network's output still carries the mask"), m);
    }
  }
}
