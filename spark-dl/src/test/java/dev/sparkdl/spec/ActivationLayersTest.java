package dev.sparkdl.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keras' advanced-activation layers: their arguments and defaults, Keras 2 and Keras 3 configs,
 * refusals, shapes, parameter counts and output heads.
 */
class ActivationLayersTest {

  @Test
  void defaultsAreKeras() {
    assertEquals(new ReLU(null, 0, 0), LayerTypes.read("ReLU", Map.of()));
    assertEquals(new LeakyReLU(0.3), LayerTypes.read("LeakyReLU", Map.of()));
    assertEquals(new ELU(1.0), LayerTypes.read("ELU", Map.of()));
    assertEquals(new Softmax(-1), LayerTypes.read("Softmax", Map.of()));
    assertEquals(new ThresholdedReLU(1.0), LayerTypes.read("ThresholdedReLU", Map.of()));
  }

  @Test
  void readsKeras2AndKeras3Configs() {
    // Keras 2.3.1, as in the shared examples
    Map<String, Object> relu = new java.util.HashMap<>(Map.of("name", "re_lu_1",
        "trainable", true, "dtype", "float32", "negative_slope", 0.2, "threshold", 0.2));
    relu.put("max_value", null);
    assertEquals(new ReLU(null, 0.2, 0.2), LayerTypes.read("ReLU", relu));
    assertEquals(new LeakyReLU(0.5), LayerTypes.read("LeakyReLU",
        Map.of("name", "leaky_re_lu_1", "alpha", 0.5)));
    assertEquals(new ThresholdedReLU(0.7), LayerTypes.read("ThresholdedReLU",
        Map.of("theta", 0.7)));
    assertEquals(new Softmax(-1), LayerTypes.read("Softmax", Map.of("axis", -1)));
    // Keras 3
    assertEquals(new LeakyReLU(0.1), LayerTypes.read("LeakyReLU",
        Map.of("name", "leaky_re_lu", "negative_slope", 0.1, "module", "keras.layers")));
    assertEquals(new Softmax(2), LayerTypes.read("Softmax", Map.of("axis", List.of(2))));
    assertEquals("{\"class_name\":\"LeakyReLU\",\"config\":{\"negative_slope\":0.3}}",
        LeakyReLU.defaults().toJson().replace(" ", "").replace("\n", ""));
  }

  @Test
  void refusesWhatKerasRefusesNamingTheArgument() {
    for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("max_value", -1.0),
        Map.of("negative_slope", -0.1), Map.of("threshold", -0.5))) {
      SpecException e = assertThrows(SpecException.class, () -> LayerTypes.read("ReLU", bad));
      assertTrue(e.getMessage().contains(bad.keySet().iterator().next()), e.getMessage());
    }
    assertThrows(SpecException.class,
        () -> LayerTypes.read("LeakyReLU", Map.of("alpha", 0.1, "negative_slope", 0.1)));
    assertThrows(SpecException.class, () -> LayerTypes.read("ThresholdedReLU",
        Map.of("theta", -1.0)));
    assertThrows(SpecException.class, () -> LayerTypes.read("Softmax", Map.of("axis", 0)));
    SpecException e = assertThrows(SpecException.class,
        () -> LayerTypes.read("Softmax", Map.of("axis", List.of(1, 2))));
    assertTrue(e.getMessage().contains("axis"), e.getMessage());
    e = assertThrows(SpecException.class, () -> LayerTypes.read("ELU", Map.of("beta", 1)));
    assertTrue(e.getMessage().contains("beta"), e.getMessage());
    // PReLU is read (its slopes are weights); a constraint on them is not
    e = assertThrows(SpecException.class,
        () -> LayerTypes.read("PReLU", Map.of("alpha_constraint", "non_neg")));
    assertTrue(e.getMessage().contains("PReLU: alpha_constraint=non_neg"), e.getMessage());
    e = assertThrows(SpecException.class,
        () -> Sequential.of(Softmax.axis(3)).inputShape(4, 2).layerOutputShapes(List.of(4, 2)));
    assertTrue(e.getMessage().contains("axis=3"), e.getMessage());
  }

  @Test
  void shapesUnchangedNoParametersAndSummary() {
    Sequential s = Sequential.of(Dense.units(8), ReLU.defaults().maxValue(1.4), LeakyReLU
        .defaults(), ELU.alpha(0.7), ThresholdedReLU.defaults(), Dense.units(3),
        Softmax.defaults()).inputShape(5);
    assertEquals(5 * 8 + 8 + 8 * 3 + 3, s.paramCount());
    for (LayerSpec l : s.layers()) {
      if (l instanceof ActivationLayer) {
        assertEquals(0, l.paramCount(List.of(8)));
        assertEquals(List.of(2, 8), l.outputShape(List.of(2, 8)));
      }
    }
    String summary = s.summary();
    assertTrue(summary.contains("ThresholdedReLU") && summary.contains("Softmax"), summary);
    assertEquals(s, Sequential.fromJson(s.toJson()));
  }

  @Test
  void namedActivationsServeAsTheOutputHead() {
    OutputHead h = OutputHead.of(Sequential.of(Dense.units(3), Softmax.defaults()));
    assertEquals("softmax", h.activation());
    assertEquals(3, h.units());
    assertTrue(h.activationIsLast());
    assertEquals("relu6", ReLU.defaults().maxValue(6).asActivation());
    assertEquals("leaky_relu", LeakyReLU.slope(0.2).asActivation());
    assertEquals("elu", ELU.defaults().asActivation());
    assertNull(ReLU.defaults().maxValue(1.4).asActivation());
    assertNull(Softmax.axis(1).asActivation());
    assertEquals("linear",
        OutputHead.of(Sequential.of(Dense.units(3), ELU.alpha(0.5))).activation());
  }
}
