package dev.sparkdl.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Keras' model.to_json() of supported Sequential models (Keras 2 and Keras 3 forms). */
class KerasJsonTest {
  static final Sequential COURSE_MLP = Sequential.of(
      Dense.units(500), BatchNormalization.defaults(), Dropout.rate(0.3), Activation.of("relu"),
      Dense.units(50), BatchNormalization.defaults(), Dropout.rate(0.3), Activation.of("relu"),
      Dense.units(10).activation("softmax")).inputShape(784);
  static final Sequential CONVNET = Sequential.of(
      Conv2D.filters(32).activation("relu"), Pooling.max2D(2, 2),
      Conv2D.filters(64).activation("relu"), Pooling.max2D(2, 2),
      Flatten.of(), Dropout.rate(0.5), Dense.units(10).activation("softmax")).inputShape(28, 28, 1);

  static String resource(String name) throws IOException {
    try (InputStream in = KerasJsonTest.class.getResourceAsStream("/keras/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void courseMlpAndConvnetLoadIntoTheHandBuiltSpecs(int version) throws IOException {
    assertEquals(COURSE_MLP, Sequential.fromJson(resource("course-mlp-keras" + version + ".json")));
    assertEquals(CONVNET, Sequential.fromJson(resource("mnist-convnet-keras" + version + ".json")));
    assertEquals(34_826, Sequential.fromJson(resource("mnist-convnet-keras" + version + ".json")).paramCount());
  }

  @Test
  void unsupportedLayersAndArgumentsAreNamed() throws IOException {
    String json = resource("mnist-convnet-keras3.json");
    String m = assertThrows(SpecException.class,
        () -> Sequential.fromJson(json.replace("\"MaxPooling2D\"", "\"Lambda\""))).getMessage();
    assertTrue(m.contains("Unknown layer class_name 'Lambda'. Known layers: Dense"), m);
    m = assertThrows(SpecException.class,
        () -> Sequential.fromJson(json.replace("\"groups\": 1", "\"groups\": 2"))).getMessage();
    assertTrue(m.contains("Conv2D: groups=2 is not supported"), m);
    m = assertThrows(SpecException.class, () -> Sequential.fromJson(
        json.replace("\"data_format\": \"channels_last\", \"dilation_rate\"",
            "\"data_format\": \"channels_middle\", \"dilation_rate\""))).getMessage();
    assertTrue(m.contains("Layer 0 (Conv2D 'conv2d'): Conv2D: data_format='channels_middle' is not"
        + " supported"), m);
    m = assertThrows(SpecException.class, () -> Sequential.fromJson(
        resource("course-mlp-keras2.json").replace("\"kernel_regularizer\": null",
            "\"kernel_regularizer\": {\"class_name\": \"OrthogonalRegularizer\", \"config\":"
                + " {\"factor\": 0.01}}"))).getMessage();
    assertTrue(m.contains("Dense: `kernel_regularizer`: unsupported regularizer"
        + " 'OrthogonalRegularizer'"), m);
  }
}
