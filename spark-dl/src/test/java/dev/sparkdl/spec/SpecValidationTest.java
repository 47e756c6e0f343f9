package dev.sparkdl.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad specs fail at construction with Keras-style messages that name the fix. */
class SpecValidationTest {

  private static String fails(Executable e) {
    return assertThrows(SpecException.class, e).getMessage();
  }

  @Test
  void unitsMustBePositive() {
    assertEquals(
        "Received an invalid value for `units` of Dense, expected a positive integer. Received:"
            + " units=0",
        fails(() -> Dense.units(0)));
    assertTrue(fails(() -> LayerSpec.fromJson("{\"class_name\":\"Dense\",\"config\":{\"units\":-3}}"))
        .contains("units=-3"));
  }

  @Test
  void dropoutRateInUnitInterval() {
    assertTrue(fails(() -> Dropout.rate(1.0)).contains("expected a float in [0, 1). Received: rate=1.0"));
    assertTrue(fails(() -> Dropout.rate(-0.1)).contains("rate=-0.1"));
  }

  @Test
  void unknownNamesListTheValidOnes() {
    String m = fails(() -> Dense.units(3).activation("relux"));
    assertTrue(m.startsWith("Unknown activation 'relux'. Valid activations: relu, sigmoid"), m);
    assertTrue(m.contains("swish"), m);
    m = fails(() -> LayerSpec.fromJson("{\"class_name\":\"Dence\",\"config\":{\"units\":3}}"));
    assertTrue(m.contains("Unknown layer class_name 'Dence'. Known layers: Dense, Activation"), m);
    m = fails(() -> Loss.of("cross_entropy"));
    assertTrue(m.contains("Unknown loss 'cross_entropy'. Valid losses: categorical_crossentropy"), m);
    m = fails(() -> Optimizer.named("adamx"));
    assertTrue(m.contains("Unknown optimizer 'adamx'. Valid optimizers: sgd, adam"), m);
    m = fails(() -> Metrics.check("f1"));
    assertTrue(m.contains("Unknown metric 'f1'. Valid metrics: accuracy, binary_accuracy, mse, mae"), m);
    m = fails(() -> Dense.units(2).kernelInitializer("orthogonl"));
    assertTrue(m.contains("Valid initializers: glorot_uniform"), m);
  }

  @Test
  void misspeltArgumentsAreNamed() {
    String m = fails(() -> LayerSpec.fromJson("{\"class_name\":\"Dense\",\"config\":{\"units\":3,\"activaton\":\"relu\"}}"));
    assertTrue(m.contains("unsupported argument(s) [activaton=relu]"), m);
    m = fails(() -> Optimizer.fromJson("{\"class_name\":\"Adam\",\"config\":{\"beta1\":0.5}}"));
    assertTrue(m.contains("beta1=0.5"), m);
  }

  @Test
  void wrongTypesAreNamed() {
    String m = fails(() -> LayerSpec.fromJson("{\"class_name\":\"Dense\",\"config\":{\"units\":\"ten\"}}"));
    assertEquals(
        "Received an invalid value for `units` of Dense, expected an integer. Received:"
            + " units=\"ten\"", m);
  }

  @Test
  void sequentialChecks() {
    assertTrue(fails(() -> new Sequential(List.of(), null)).contains("at least one layer"));
    assertTrue(fails(() -> Sequential.of(Dense.units(2)).inputShape(0)).contains("positive integers"));
    assertTrue(fails(() -> Sequential.fromJson("{not json")).contains("not valid JSON"));
  }

  @Test
  void shapeInference() {
    Sequential net = Sequential.of(Flatten.of(), Dense.units(20), Dropout.rate(0.1),
        Dense.units(3).activation("softmax"));
    assertEquals(List.of(3), net.outputShape(List.of(28, 28, 1)));
    assertEquals(List.of(List.of(784), List.of(20), List.of(20), List.of(3)),
        net.layerOutputShapes(List.of(28, 28, 1)));
    assertEquals("softmax", net.outputActivation());
    assertEquals("sigmoid",
        Sequential.of(Dense.units(1), Activation.of("sigmoid"), Dropout.rate(0.1)).outputActivation());
  }
}
