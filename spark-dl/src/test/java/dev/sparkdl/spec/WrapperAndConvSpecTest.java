package dev.sparkdl.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Output shapes and parameter counts of Conv2DTranspose, DepthwiseConv2D, SeparableConv1D/2D,
 * Bidirectional and TimeDistributed against Keras' formulas; the configs tf.keras wrote in real
 * files; the refusals.
 */
class WrapperAndConvSpecTest {

  private static void check(LayerSpec layer, List<Integer> in, List<Integer> out, long params) {
    assertEquals(out, layer.outputShape(in), layer.toJson());
    assertEquals(params, layer.paramCount(in), layer.toJson());
  }

  @Test
  void shapesAndParamCountsAsKeras() {
    // Keras: length = in * stride + max(k - stride, 0) (valid), in * stride (same); with
    // output_padding (in - 1) * stride + k - 2 * (k // 2 if same else 0) + output_padding;
    // params kh * kw * channels * filters + filters
    check(Conv2DTranspose.filters(16).strides(2, 2).padding("same"), List.of(7, 7, 32),
        List.of(14, 14, 16), 3 * 3 * 32 * 16 + 16);
    check(Conv2DTranspose.filters(16).strides(2, 2), List.of(7, 7, 32), List.of(15, 15, 16),
        4624);
    check(Conv2DTranspose.filters(1).kernelSize(2, 2).strides(3, 3), List.of(4, 5, 2),
        List.of(12, 15, 1), 2 * 2 * 2 + 1);
    check(Conv2DTranspose.filters(8).strides(2, 2).padding("same").outputPadding(0, 1),
        List.of(7, 7, 4), List.of(13, 14, 8), 3 * 3 * 4 * 8 + 8);
    check(Conv2DTranspose.filters(8).kernelSize(3, 3).dilationRate(2, 2), List.of(5, 5, 1),
        List.of(9, 9, 8), 3 * 3 * 8 + 8);
    check(Conv2DTranspose.filters(3).useBias(false).dataFormat("channels_first"),
        List.of(2, 4, 4), List.of(3, 6, 6), 3 * 3 * 2 * 3);
    // depthwise: kh * kw * channels * multiplier + channels * multiplier
    check(DepthwiseConv2D.kernelSize(3, 3).depthMultiplier(2), List.of(28, 28, 3),
        List.of(26, 26, 6), 3 * 3 * 3 * 2 + 6);
    check(DepthwiseConv2D.kernelSize(3, 3).strides(2, 2).padding("same"), List.of(5, 5, 4),
        List.of(3, 3, 4), 3 * 3 * 4 + 4);
    // separable: depthwise + channels * multiplier * filters + filters
    check(SeparableConv.conv2D(32, 3, 3), List.of(28, 28, 3), List.of(26, 26, 32),
        27 + 3 * 32 + 32);
    check(SeparableConv.conv2D(8, 3, 3).depthMultiplier(2).padding("same").useBias(false),
        List.of(6, 6, 4), List.of(6, 6, 8), 3 * 3 * 4 * 2 + 8 * 8);
    check(SeparableConv.conv1D(8, 5), List.of(100, 4), List.of(96, 8), 5 * 4 + 4 * 8 + 8);
    // Bidirectional: twice the layer; concat doubles the features
    check(Bidirectional.of(Recurrent.lstm(64)), List.of(10, 8), List.of(128),
        2 * 4 * 64 * (8 + 64 + 1));
    check(Bidirectional.of(Recurrent.gru(4).returnSequences(true)).mergeMode("sum"),
        List.of(5, 3), List.of(5, 4), 2 * (3 * 4 * (3 + 4) + 2 * 3 * 4));
    check(new Bidirectional(Recurrent.simpleRnn(6), "ave"), List.of(7, 2), List.of(6),
        2 * (6 * (2 + 6) + 6));
    // TimeDistributed: the inner layer's count
    check(TimeDistributed.of(Dense.units(8)), List.of(10, 16), List.of(10, 8), 16 * 8 + 8);
    check(TimeDistributed.of(Conv2D.filters(4)), List.of(5, 8, 8, 1), List.of(5, 6, 6, 4),
        3 * 3 * 4 + 4);
    check(TimeDistributed.of(Flatten.of()), List.of(5, 2, 3), List.of(5, 6), 0);
    check(TimeDistributed.of(Pooling.max2D(2, 2)), List.of(4, 6, 6, 3), List.of(4, 3, 3, 3),
        0);
  }

  /** Layer configs exactly as tf.keras 2 wrote them (KonduitAI/dl4j-test-resources, Apache 2.0). */
  private static final String[] TF_KERAS = {
    """
    {"class_name": "Conv2DTranspose", "config": {"name": "conv2d_transpose_24", "trainable": true, "dtype": "float32", "filters": 4, "kernel_size": [3, 3], "strides": [1, 1], "padding": "same", "data_format": "channels_last", "dilation_rate": [1, 1], "activation": "tanh", "use_bias": true, "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null, "dtype": "float32"}}, "bias_initializer": {"class_name": "Zeros", "config": {"dtype": "float32"}}, "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null, "output_padding": null}}
    """,
    """
    {"class_name": "Conv2DTranspose", "config": {"name": "conv2d_transpose_12", "trainable": true, "dtype": "float32", "filters": 4, "kernel_size": [3, 3], "strides": [1, 1], "padding": "valid", "data_format": "channels_first", "dilation_rate": [1, 1], "activation": "tanh", "use_bias": true, "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null, "dtype": "float32"}}, "bias_initializer": {"class_name": "Zeros", "config": {"dtype": "float32"}}, "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null, "output_padding": null}}
    """,
    """
    {"class_name": "DepthwiseConv2D", "config": {"name": "depthwise_conv2d_24", "trainable": true, "dtype": "float32", "kernel_size": [3, 3], "strides": [1, 1], "padding": "same", "data_format": "channels_last", "dilation_rate": [1, 1], "activation": "tanh", "use_bias": true, "bias_initializer": {"class_name": "Zeros", "config": {"dtype": "float32"}}, "bias_regularizer": null, "activity_regularizer": null, "bias_constraint": null, "depth_multiplier": 1, "depthwise_initializer": {"class_name": "GlorotUniform", "config": {"seed": null, "dtype": "float32"}}, "depthwise_regularizer": null, "depthwise_constraint": null}}
    """,
    """
    {"class_name": "DepthwiseConv2D", "config": {"name": "depthwise_conv2d_12", "trainable": true, "dtype": "float32", "kernel_size": [3, 3], "strides": [1, 1], "padding": "valid", "data_format": "channels_first", "dilation_rate": [1, 1], "activation": "tanh", "use_bias": true, "bias_initializer": {"class_name": "Zeros", "config": {"dtype": "float32"}}, "bias_regularizer": null, "activity_regularizer": null, "bias_constraint": null, "depth_multiplier": 1, "depthwise_initializer": {"class_name": "GlorotUniform", "config": {"seed": null, "dtype": "float32"}}, "depthwise_regularizer": null, "depthwise_constraint": null}}
    """,
    """
    {"class_name": "SeparableConv2D", "config": {"name": "separable_conv2d_24", "trainable": true, "dtype": "float32", "filters": 4, "kernel_size": [3, 3], "strides": [1, 1], "padding": "same", "data_format": "channels_last", "dilation_rate": [1, 1], "activation": "tanh", "use_bias": true, "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null, "dtype": "float32"}}, "bias_initializer": {"class_name": "Zeros", "config": {"dtype": "float32"}}, "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null, "depth_multiplier": 1, "depthwise_initializer": {"class_name": "GlorotUniform", "config": {"seed": null, "dtype": "float32"}}, "pointwise_initializer": {"class_name": "GlorotUniform", "config": {"seed": null, "dtype": "float32"}}, "depthwise_regularizer": null, "pointwise_regularizer": null, "depthwise_constraint": null, "pointwise_constraint": null}}
    """,
    """
    {"class_name": "Bidirectional", "config": {"name": "bidirectional_66", "trainable": true, "dtype": "float32", "layer": {"class_name": "LSTM", "config": {"name": "lstm_77", "trainable": true, "dtype": null, "return_sequences": true, "return_state": false, "go_backwards": false, "stateful": false, "unroll": false, "time_major": false, "units": 6, "activation": "relu", "recurrent_activation": "hard_sigmoid", "use_bias": true, "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null, "dtype": "float32"}}, "recurrent_initializer": {"class_name": "Orthogonal", "config": {"gain": 1.0, "seed": null, "dtype": "float32"}}, "bias_initializer": {"class_name": "Zeros", "config": {"dtype": "float32"}}, "unit_forget_bias": true, "kernel_regularizer": null, "recurrent_regularizer": null, "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null, "recurrent_constraint": null, "bias_constraint": null, "dropout": 0.0, "recurrent_dropout": 0.0, "implementation": 1}}, "merge_mode": "concat"}}
    """,
    """
    {"class_name": "Bidirectional", "config": {"name": "bidirectional_70", "trainable": true, "dtype": "float32", "layer": {"class_name": "SimpleRNN", "config": {"name": "simple_rnn_58", "trainable": true, "dtype": null, "return_sequences": true, "return_state": false, "go_backwards": false, "stateful": false, "unroll": false, "time_major": false, "units": 6, "activation": "tanh", "use_bias": true, "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null, "dtype": "float32"}}, "recurrent_initializer": {"class_name": "Orthogonal", "config": {"gain": 1.0, "seed": null, "dtype": "float32"}}, "bias_initializer": {"class_name": "Zeros", "config": {"dtype": "float32"}}, "kernel_regularizer": null, "recurrent_regularizer": null, "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null, "recurrent_constraint": null, "bias_constraint": null, "dropout": 0.0, "recurrent_dropout": 0.0}}, "merge_mode": "concat"}}
    """,
  };

  @Test
  void readsTheLayerConfigsTfKerasWrote() {
    List<LayerSpec> read = java.util.Arrays.stream(TF_KERAS).map(LayerSpec::fromJson).toList();
    assertEquals(Conv2DTranspose.filters(4).padding("same").activation("tanh"), read.get(0));
    assertEquals(Conv2DTranspose.filters(4).activation("tanh").dataFormat("channels_first"),
        read.get(1));
    assertEquals(DepthwiseConv2D.kernelSize(3, 3).padding("same").activation("tanh"),
        read.get(2));
    assertEquals(DepthwiseConv2D.kernelSize(3, 3).activation("tanh")
        .dataFormat("channels_first"), read.get(3));
    assertEquals(SeparableConv.conv2D(4, 3, 3).padding("same").activation("tanh"), read.get(4));
    Bidirectional lstm = (Bidirectional) read.get(5);
    assertEquals("concat", lstm.mergeMode());
    assertEquals(6, lstm.layer().units());
    assertEquals("relu", lstm.layer().activation());
    assertTrue(lstm.layer().returnSequences());
    assertEquals(List.of(4, 12), lstm.outputShape(List.of(4, 3)));
    assertEquals(2 * 4 * 6 * (3 + 6 + 1), lstm.paramCount(List.of(4, 3)));
    assertEquals(Bidirectional.of(Recurrent.simpleRnn(6).returnSequences(true)), read.get(6));
    for (LayerSpec l : read) {
      assertEquals(l, LayerSpec.fromJson(l.toJson()), "written back and read again");
    }
  }

  @Test
  void readsKeras3WrappersWithModuleAndBackwardLayer() {
    String lstm = "{\"units\": 3, \"return_sequences\": %s, \"go_backwards\": %s, \"name\": \"%s\","
        + " \"dtype\": {\"module\": \"keras\", \"class_name\": \"DTypePolicy\", \"config\":"
        + " {\"name\": \"float32\"}, \"registered_name\": null}}";
    String keras3 = "{\"module\": \"keras.layers\", \"class_name\": \"Bidirectional\", \"config\":"
        + " {\"name\": \"bidirectional\", \"trainable\": true, \"merge_mode\": \"mul\","
        + " \"layer\": {\"module\": \"keras.layers\", \"class_name\": \"LSTM\", \"config\": "
        + lstm.formatted("false", "false", "forward_lstm") + ", \"registered_name\": null,"
        + " \"build_config\": {\"input_shape\": [null, 4, 2]}},"
        + " \"backward_layer\": {\"module\": \"keras.layers\", \"class_name\": \"LSTM\","
        + " \"config\": " + lstm.formatted("false", "true", "backward_lstm")
        + ", \"registered_name\": null}}, \"registered_name\": null}";
    assertEquals(Bidirectional.of(Recurrent.lstm(3)).mergeMode("mul"), LayerSpec.fromJson(keras3));
    String td = "{\"module\": \"keras.layers\", \"class_name\": \"TimeDistributed\", \"config\":"
        + " {\"name\": \"time_distributed\", \"layer\": {\"module\": \"keras.layers\","
        + " \"class_name\": \"Dense\", \"config\": {\"units\": 5, \"activation\": \"relu\"},"
        + " \"registered_name\": null}}}";
    assertEquals(TimeDistributed.of(Dense.units(5).activation("relu")), LayerSpec.fromJson(td));
    // Keras 2's form: {"class_name", "config"} only
    assertEquals(TimeDistributed.of(Dense.units(5)), LayerSpec.fromJson(
        "{\"class_name\": \"TimeDistributed\", \"config\": {\"layer\": {\"class_name\":"
            + " \"Dense\", \"config\": {\"units\": 5}}}}"));
    // a mismatched backward layer is refused
    String other = keras3.replace("\"backward_lstm\"", "\"b\"").replace(
        lstm.formatted("false", "true", "b"), lstm.formatted("false", "true", "b")
            .replace("\"units\": 3", "\"units\": 4"));
    String m = assertThrows(SpecException.class, () -> LayerSpec.fromJson(other)).getMessage();
    assertTrue(m.contains("the backward_layer must mirror the layer"), m);
  }

  private static String refused(String json) {
    return assertThrows(SpecException.class, () -> LayerSpec.fromJson(json)).getMessage();
  }

  @Test
  void refusalsSayWhatAndHowToFix() {
    String m = refused("{\"class_name\": \"Bidirectional\", \"config\": {\"merge_mode\": null,"
        + " \"layer\": {\"class_name\": \"LSTM\", \"config\": {\"units\": 2}}}}");
    assertTrue(m.contains("merge_mode=None") && m.contains("[concat, sum, mul, ave]"), m);
    m = refused("{\"class_name\": \"Bidirectional\", \"config\": {\"merge_mode\": \"max\","
        + " \"layer\": {\"class_name\": \"LSTM\", \"config\": {\"units\": 2}}}}");
    assertTrue(m.contains("Received: merge_mode=max"), m);
    m = refused("{\"class_name\": \"Bidirectional\", \"config\": {\"layer\": {\"class_name\":"
        + " \"Dense\", \"config\": {\"units\": 2}}}}");
    assertTrue(m.contains("Bidirectional wraps a recurrent layer (SimpleRNN, GRU or LSTM)."
        + " Received: Dense"), m);
    m = refused("{\"class_name\": \"Bidirectional\", \"config\": {\"layer\": {\"class_name\":"
        + " \"ConvLSTM2D\", \"config\": {\"filters\": 2}}}}");
    assertTrue(m.contains("Bidirectional(ConvLSTM2D): Unknown layer class_name 'ConvLSTM2D'"), m);
    m = assertThrows(SpecException.class, () -> Conv2DTranspose.filters(2).strides(2, 2)
        .outputPadding(2, 0)).getMessage();
    assertTrue(m.contains("expected values smaller than the strides [2, 2]. Received:"
        + " output_padding=[2, 0]"), m);
    m = assertThrows(SpecException.class, () -> TimeDistributed.of(
        BatchNormalization.defaults())).getMessage();
    assertTrue(m.contains("TimeDistributed(BatchNormalization) is not supported"), m);
    m = assertThrows(SpecException.class, () -> TimeDistributed.of(Dense.units(2).rules(
        WeightRules.NONE.regularizer("kernel", WeightRules.Regularizer.l2(0.1))))).getMessage();
    assertTrue(m.contains("kernel_regularizer on the wrapped layer is not supported"), m);
    m = assertThrows(SpecException.class, () -> DepthwiseConv2D.kernelSize(3, 3)
        .depthMultiplier(0)).getMessage();
    assertTrue(m.contains("Received: depth_multiplier=0"), m);
    m = assertThrows(SpecException.class, () -> SeparableConv.conv1D(4, 3).padding("causal"))
        .getMessage();
    assertTrue(m.contains("expected one of valid, same. Received: padding=causal"), m);
    m = assertThrows(SpecException.class, () -> TimeDistributed.of(Dense.units(2))
        .outputShape(List.of(5))).getMessage();
    assertTrue(m.contains("needs inputs of shape (timesteps, ...)"), m);
  }
}
