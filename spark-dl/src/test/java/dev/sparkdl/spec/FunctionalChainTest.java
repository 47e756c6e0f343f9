package dev.sparkdl.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Functional models that are one chain of layers read as the Sequential they are. */
class FunctionalChainTest {
  /** tf.keras 2.2.4's model.to_json() of {@code Input(3) -> Dense(6, tanh) -> Dropout(0.2)}. */
  static final String TF_KERAS_2 = """
      {"class_name": "Model", "config": {"name": "model_10", "layers": [
      {"name": "input_11", "class_name": "InputLayer", "config": {"batch_input_shape": [null, 3],
       "dtype": "float32", "sparse": false, "ragged": false, "name": "input_11"},
       "inbound_nodes": []},
      {"name": "dropout_10", "class_name": "Dropout", "config": {"name": "dropout_10",
       "trainable": true, "dtype": "float32", "rate": 0.2, "noise_shape": null, "seed": null},
       "inbound_nodes": [[["dense_10", 0, 0, {}]]]},
      {"name": "dense_10", "class_name": "Dense", "config": {"name": "dense_10", "trainable": true,
       "dtype": "float32", "units": 6, "activation": "tanh", "use_bias": true,
       "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}},
       "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": null,
       "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null,
       "bias_constraint": null}, "inbound_nodes": [[["input_11", 0, 0, {}]]]}],
      "input_layers": [["input_11", 0, 0]], "output_layers": [["dropout_10", 0, 0]]}}
      """;

  /** Keras 3's form: "Functional", inbound nodes as call arguments with keras_history. */
  static final String KERAS_3 = """
      {"module": "keras", "class_name": "Functional", "config": {"name": "functional",
       "trainable": true, "layers": [
      {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 4],
       "dtype": "float32", "sparse": false, "name": "input_layer"}, "registered_name": null,
       "name": "input_layer", "inbound_nodes": []},
      {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense",
       "trainable": true, "dtype": "float32", "units": 8, "activation": "relu", "use_bias": true},
       "registered_name": null, "build_config": {"input_shape": [null, 4]}, "name": "dense",
       "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 4],
       "dtype": "float32", "keras_history": ["input_layer", 0, 0]}}], "kwargs": {}}]},
      {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense_1",
       "trainable": true, "dtype": "float32", "units": 3, "activation": "softmax",
       "use_bias": true}, "registered_name": null, "build_config": {"input_shape": [null, 8]},
       "name": "dense_1", "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__",
       "config": {"shape": [null, 8], "dtype": "float32", "keras_history": ["dense", 0, 0]}}],
       "kwargs": {}}]}],
      "input_layers": [["input_layer", 0, 0]], "output_layers": [["dense_1", 0, 0]]},
      "registered_name": "Functional", "build_config": {"input_shape": null}}
      """;

  @Test
  void tfKeras2ChainReadsInDataFlowOrder() {
    Sequential s = Sequential.fromJson(TF_KERAS_2);
    assertEquals(Sequential.of(Dense.units(6).activation("tanh"), Dropout.rate(0.2)).inputShape(3),
        s);
  }

  @Test
  void keras3FunctionalChainReads() {
    Sequential s = Sequential.fromJson(KERAS_3);
    assertEquals(Sequential.of(Dense.units(8).activation("relu"),
        Dense.units(3).activation("softmax")).inputShape(4), s);
    assertEquals(4 * 8 + 8 + 8 * 3 + 3, s.paramCount());
    // Keras 3 may write a single input reference unwrapped
    assertEquals(s, Sequential.fromJson(KERAS_3.replace("\"input_layers\": [[\"input_layer\", 0, 0]]",
        "\"input_layers\": [\"input_layer\", 0, 0]")));
  }

  @Test
  void graphsThatAreNotOneChainAreRefusedNamingTheLayer() {
    // a branch: two layers take dense's output
    String branch = KERAS_3.replace("\"keras_history\": [\"dense\", 0, 0]",
        "\"keras_history\": [\"input_layer\", 0, 0]");
    assertMessage(branch, "the output of 'input_layer' feeds both 'dense' and 'dense_1'");
    // a merge: a layer with two inputs (Keras 2 form)
    String merge = TF_KERAS_2.replace("[[[\"dense_10\", 0, 0, {}]]]",
        "[[[\"dense_10\", 0, 0, {}], [\"input_11\", 0, 0, {}]]]");
    assertMessage(merge, "layer 'dropout_10' (Dropout) takes 2 inputs");
    // a layer called twice (shared weights)
    String shared = TF_KERAS_2.replace("[[[\"input_11\", 0, 0, {}]]]",
        "[[[\"input_11\", 0, 0, {}]], [[\"input_11\", 0, 0, {}]]]");
    assertMessage(shared, "layer 'dense_10' (Dense) is called 2 times");
    // two outputs
    String outputs = TF_KERAS_2.replace("\"output_layers\": [[\"dropout_10\", 0, 0]]",
        "\"output_layers\": [[\"dropout_10\", 0, 0], [\"dense_10\", 0, 0]]");
    assertMessage(outputs, "has 2 outputs");
    // a call argument that changes what the layer computes
    String training = TF_KERAS_2.replace("[[[\"dense_10\", 0, 0, {}]]]",
        "[[[\"dense_10\", 0, 0, {\"training\": true}]]]");
    assertMessage(training, "called with the argument training=true");
    // the output is not at the end of the chain
    String early = TF_KERAS_2.replace("\"output_layers\": [[\"dropout_10\", 0, 0]]",
        "\"output_layers\": [[\"dense_10\", 0, 0]]");
    assertMessage(early, "the layers [dropout_10] are not on the path");
    // a nested model
    String nested = KERAS_3.replace("\"class_name\": \"Dense\", \"config\": {\"name\": \"dense_1\"",
        "\"class_name\": \"Sequential\", \"config\": {\"name\": \"dense_1\"");
    assertMessage(nested, "nested model 'dense_1' (Sequential)");
  }

  @Test
  void laterLayersMayRepeatTheShapeTheyReceiveButNotContradictIt() {
    // Keras 2.0 wrote batch_input_shape on every Dense of a Sequential
    String json = """
        {"class_name": "Sequential", "config": [
        {"class_name": "Dense", "config": {"units": 5, "batch_input_shape": [null, 4]}},
        {"class_name": "Dense", "config": {"units": 2, "batch_input_shape": [null, 5]}}]}
        """;
    assertEquals(Sequential.of(Dense.units(5), Dense.units(2)).inputShape(4),
        Sequential.fromJson(json));
    SpecException e = assertThrows(SpecException.class,
        () -> Sequential.fromJson(json.replace("[null, 5]", "[null, 7]")));
    assertTrue(e.getMessage().contains("Layer 1 (Dense) declares the input shape [7], but it"
        + " receives [5] from the layers before it"), e.getMessage());
  }

  private static void assertMessage(String json, String part) {
    SpecException e = assertThrows(SpecException.class, () -> Sequential.fromJson(json));
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }
}
