package dev.sparkdl.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The law {@code fromJson(toJson(x)).equals(x)} for every spec type. */
class SpecJsonRoundTripTest {

  static Stream<LayerSpec> layers() {
    Stream<LayerSpec> activations = Activations.NAMES.stream().map(Activation::of);
    Stream<LayerSpec> others =
        Stream.of(
            Dense.units(7),
            Dense.units(3).activation("softmax").useBias(false).kernelInitializer("he_normal")
                .biasInitializer("ones"),
            Dropout.rate(0.0),
            Dropout.rate(0.3),
            BatchNormalization.defaults(),
            BatchNormalization.defaults().momentum(0.9).epsilon(1e-5),
            Flatten.of(),
            Reshape.to(28, 28, 1),
            Rescaling.scale(1 / 255.0),
            new Rescaling(2.0, -1.0),
            Conv2D.filters(32),
            Conv2D.filters(8).kernelSize(5, 3).strides(2, 1).padding("same").activation("relu")
                .dilationRate(1, 2),
            Conv1D.filters(4, 3),
            Conv1D.filters(4, 5).padding("same").activation("tanh"),
            Pooling.max2D(2, 2),
            Pooling.average2D(3, 3).strides(2, 2).padding("same"),
            Pooling.max1D(2),
            Pooling.average1D(4).strides(1),
            GlobalPooling.average2D(),
            GlobalPooling.max2D(),
            GlobalPooling.average1D(),
            GlobalPooling.max1D(),
            Conv1D.filters(4, 2).padding("causal").dataFormat("channels_first"),
            Conv2D.filters(2).dataFormat("channels_first"),
            Pooling.average2D(2, 2).strides(1, 1).padding("same").dataFormat("channels_first"),
            GlobalPooling.max2D().dataFormat("channels_first"),
            Recurrent.lstm(16),
            Recurrent.gru(8).returnSequences(true),
            Recurrent.simpleRnn(4).activation("relu"),
            Embedding.of(1000, 16),
            Embedding.of(1000, 16).maskZero(true),
            ReLU.defaults(),
            ReLU.defaults().maxValue(6),
            ReLU.defaults().maxValue(1.4).negativeSlope(0.2).threshold(0.2),
            LeakyReLU.defaults(),
            LeakyReLU.slope(0.5),
            ELU.defaults(),
            ELU.alpha(0.7),
            Softmax.defaults(),
            Softmax.axis(1),
            ThresholdedReLU.defaults(),
            ThresholdedReLU.theta(0.7),
            PReLU.defaults(),
            PReLU.defaults().sharedAxes(1, 2).alphaInitializer("constant(value=0.25)"),
            LayerNormalization.defaults(),
            LayerNormalization.defaults().axis(1, 2).epsilon(1e-5).centerAndScale(false, true),
            ZeroPadding.of1D(2),
            ZeroPadding.of1D(0, 3),
            ZeroPadding.of2D(1, 2),
            ZeroPadding.of2D(0, 1, 2, 3).dataFormat("channels_first"),
            Cropping.of1D(1, 0),
            Cropping.of2D(1, 1),
            Cropping.of2D(0, 1, 2, 0).dataFormat("channels_first"),
            UpSampling.of1D(3),
            UpSampling.of2D(2, 2),
            UpSampling.of2D(2, 3).interpolation("bilinear").dataFormat("channels_first"),
            RepeatVector.of(5),
            Permute.of(2, 1),
            Permute.of(3, 1, 2),
            SpatialDropout.of1D(0.2),
            SpatialDropout.of2D(0.3).dataFormat("channels_first"),
            GaussianNoise.stddev(0.1),
            GaussianDropout.rate(0.25),
            AlphaDropout.rate(0.1),
            GlobalPooling.average2D().keepdims(true),
            GlobalPooling.max1D().keepdims(true).dataFormat("channels_first"),
            Dense.units(4).rules(WeightRules.NONE.regularizer("kernel", WeightRules.Regularizer.l2(0.01))
                .regularizer("activity", WeightRules.Regularizer.l1(0.1))
                .constraint("kernel", WeightRules.Constraint.maxNorm(2))),
            Recurrent.lstm(4).rules(WeightRules.NONE.regularizer("recurrent_kernel",
                new WeightRules.Regularizer(0.1, 0.2)).constraint("bias",
                WeightRules.Constraint.nonNeg())),
            Conv2DTranspose.filters(8),
            Conv2DTranspose.filters(4).kernelSize(4, 3).strides(2, 2).padding("same")
                .outputPadding(1, 0).activation("sigmoid").useBias(false)
                .dataFormat("channels_first")
                .rules(WeightRules.NONE.regularizer("kernel", WeightRules.Regularizer.l2(0.1))),
            DepthwiseConv2D.kernelSize(3, 3),
            DepthwiseConv2D.kernelSize(5, 3).strides(2, 2).padding("same").depthMultiplier(3)
                .dilationRate(1, 1).activation("relu").dataFormat("channels_first")
                .rules(WeightRules.NONE.constraint("depthwise_kernel",
                    WeightRules.Constraint.nonNeg())),
            SeparableConv.conv2D(16, 3, 3),
            SeparableConv.conv2D(4, 3, 3).strides(2, 2).padding("same").depthMultiplier(2)
                .activation("relu").rules(WeightRules.NONE.regularizer("pointwise_kernel",
                    WeightRules.Regularizer.l1(0.01))),
            SeparableConv.conv1D(8, 5),
            SeparableConv.conv1D(8, 3).padding("same").dilationRate(2).useBias(false),
            Bidirectional.of(Recurrent.lstm(8)),
            Bidirectional.of(Recurrent.gru(4).returnSequences(true).goBackwards(true))
                .mergeMode("ave"),
            new Bidirectional(Recurrent.simpleRnn(3), "mul"),
            TimeDistributed.of(Dense.units(4).activation("relu")),
            TimeDistributed.of(Conv2D.filters(2).padding("same")),
            TimeDistributed.of(Bidirectional.of(Recurrent.lstm(2)).mergeMode("sum")));
    Stream<LayerSpec> initializers =
        Initializers.NAMES.stream().map(n -> Dense.units(2).kernelInitializer(n));
    return Stream.of(activations, others, initializers).flatMap(s -> s);
  }

  @ParameterizedTest
  @MethodSource("layers")
  void layerRoundTrips(LayerSpec layer) {
    String json = layer.toJson();
    LayerSpec back = LayerSpec.fromJson(json);
    assertEquals(layer, back, json);
    assertEquals(json, back.toJson());
  }

  @Test
  void everyRegisteredLayerTypeIsCovered() {
    Set<String> covered = layers().map(LayerSpec::className).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(new TreeSet<>(LayerTypes.names()), covered);
  }

  static Stream<Sequential> networks() {
    Sequential mlp =
        Sequential.of(
            Dense.units(500),
            BatchNormalization.defaults(),
            Dropout.rate(0.3),
            Activation.of("relu"),
            Dense.units(50),
            BatchNormalization.defaults(),
            Dropout.rate(0.3),
            Activation.of("relu"),
            Dense.units(10).activation("softmax"));
    return Stream.of(mlp, mlp.inputShape(784), Sequential.of(Flatten.of(), Dense.units(1)).inputShape(28, 28, 1));
  }

  @ParameterizedTest
  @MethodSource("networks")
  void sequentialRoundTrips(Sequential net) {
    String json = net.toJson();
    Sequential back = Sequential.fromJson(json);
    assertEquals(net, back, json);
    assertEquals(json, back.toJson());
  }

  static Stream<Object> compileParts() {
    Stream<Object> losses = Loss.NAMES.stream().map(Loss::of);
    Stream<Object> optimizers = Optimizer.NAMES.stream().map(Optimizer::named);
    Stream<Object> custom =
        Stream.of(
            Loss.huber(0.5),
            new Optimizer.SGD(0.1, 0.9, true),
            new Optimizer.Adam(0.01, 0.8, 0.99, 1e-6),
            new Optimizer.AdamW(0.01, 0.01, 0.8, 0.99, 1e-6),
            new Optimizer.RMSprop(0.01, 0.8, 0.5, 1e-6, true),
            new Optimizer.Adagrad(0.01, 0.2, 1e-6),
            new Optimizer.Adadelta(1.0, 0.9, 1e-6));
    return Stream.of(losses, optimizers, custom).flatMap(s -> s);
  }

  @ParameterizedTest
  @MethodSource("compileParts")
  void lossesAndOptimizersRoundTrip(Object part) {
    if (part instanceof Loss l) {
      assertEquals(l, Loss.fromJson(l.toJson()), l.toJson());
    } else {
      Optimizer o = (Optimizer) part;
      assertEquals(o, Optimizer.fromJson(o.toJson()), o.toJson());
    }
  }

  @Test
  void compileOptionsRoundTrip() {
    for (Object part : compileParts().toList()) {
      if (part instanceof Optimizer o) {
        CompileOptions c =
            new CompileOptions(Loss.huber(2.0), o, List.of("mse", "mae", "accuracy"));
        assertEquals(c, CompileOptions.fromJson(c.toJson()), c.toJson());
      }
    }
    CompileOptions c = CompileOptions.of("categorical_crossentropy", "adadelta", "accuracy");
    assertEquals(c, CompileOptions.fromJson(c.toJson()));
  }

  @Test
  void jsonHasKerasForm() {
    String json = Dense.units(5).activation("relu").toJson();
    assertEquals(
        "{\"class_name\":\"Dense\",\"config\":{\"units\":5,\"activation\":\"relu\","
            + "\"use_bias\":true,\"kernel_initializer\":\"glorot_uniform\","
            + "\"bias_initializer\":\"zeros\"}}",
        json);
    String net = Sequential.of(Dense.units(1)).inputShape(4).toJson();
    assertTrue(net.startsWith("{\"class_name\":\"Sequential\",\"config\":{\"name\":\"sequential\","
        + "\"layers\":[{\"class_name\":\"InputLayer\",\"config\":{\"batch_shape\":[null,4]}}"), net);
  }

  @Test
  void readsKerasTwoAndThreeExtras() {
    String keras3Dense =
        "{\"module\":\"keras.layers\",\"class_name\":\"Dense\",\"config\":{\"name\":\"dense\","
            + "\"trainable\":true,\"dtype\":\"float32\",\"units\":10,\"activation\":\"softmax\","
            + "\"use_bias\":true,\"kernel_initializer\":{\"module\":\"keras.initializers\","
            + "\"class_name\":\"GlorotUniform\",\"config\":{\"seed\":null},\"registered_name\":null},"
            + "\"bias_initializer\":{\"module\":\"keras.initializers\",\"class_name\":\"Zeros\","
            + "\"config\":{},\"registered_name\":null},\"kernel_regularizer\":null,"
            + "\"bias_regularizer\":null,\"kernel_constraint\":null,\"bias_constraint\":null},"
            + "\"registered_name\":null}";
    assertEquals(Dense.units(10).activation("softmax"), LayerSpec.fromJson(keras3Dense));
    String keras2 =
        "{\"class_name\":\"Sequential\",\"config\":{\"name\":\"s\",\"layers\":[{\"class_name\":"
            + "\"Dense\",\"config\":{\"units\":3,\"activation\":\"relu\",\"batch_input_shape\":"
            + "[null,4]}}]}}";
    assertEquals(Sequential.of(Dense.units(3).activation("relu")).inputShape(4),
        Sequential.fromJson(keras2));
    assertEquals(new Optimizer.Adadelta(1.0, 0.95, 1e-7),
        Optimizer.fromJson("{\"class_name\":\"Adadelta\",\"config\":{\"lr\":1.0}}"));
    assertEquals(Optimizer.named("adam"), Optimizer.fromJson("adam"));
    assertEquals(Optimizer.named("adam"), Optimizer.fromJson("\"Adam\""));
  }
}
