package dev.sparkdl.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The output-head rule and the contract as a value: shapes, counts, Java serialisation. */
class NetworkContractSpecTest {

  @Test
  void theOutputHeadRule() {
    OutputHead softmax = OutputHead.of(Sequential.of(Dense.units(8).activation("relu"),
        Dense.units(3).activation("softmax")));
    assertEquals("softmax", softmax.activation());
    assertEquals(3, softmax.units());
    assertTrue(softmax.activationIsLast());

    // an Activation layer after a linear Dense, then Dropout and Flatten: still sigmoid
    OutputHead late = OutputHead.of(Sequential.of(Dense.units(1), Activation.of("sigmoid"),
        Dropout.rate(0.1), Flatten.of()));
    assertEquals("sigmoid", late.activation());
    assertEquals(1, late.units());
    assertEquals(1, late.activationLayer());
    assertFalse(late.activationIsLast());

    // a noise layer after the softmax is the identity at inference: still softmax
    OutputHead noisy = OutputHead.of(Sequential.of(Dense.units(4).activation("softmax"),
        GaussianNoise.stddev(0.1)));
    assertEquals("softmax", noisy.activation());
    assertEquals(4, noisy.units());
    assertFalse(noisy.activationIsLast());

    // BatchNormalization after the softmax changes the values' meaning: linear, 4 units
    OutputHead normalised = OutputHead.of(Sequential.of(Dense.units(4).activation("softmax"),
        BatchNormalization.defaults()));
    assertEquals("linear", normalised.activation());
    assertEquals(4, normalised.units());

    // no Dense at the end: no units, and the description names the last layer
    OutputHead pooled = OutputHead.of(Sequential.of(Dense.units(4), Flatten.of(),
        Reshape.to(2, 2)));
    assertFalse(pooled.hasUnits());
    assertTrue(pooled.description().startsWith("Reshape"), pooled.description());
  }

  @Test
  void contractCountsAndTravelsAsJson() throws Exception {
    Sequential net = Sequential.of(Dense.units(5).activation("relu"), BatchNormalization.defaults(),
        Dense.units(2).activation("softmax"));
    CompileOptions compile =
        new CompileOptions(Loss.of("categorical_crossentropy"), Optimizer.named("adam"),
            List.of("accuracy"));
    NetworkContract c = NetworkContract.of(net, compile,
        new LabelMode(LabelMode.Kind.CLASS_INDEX, 2, true));
    assertEquals(null, c.inputShape());
    assertThrows(SpecException.class, c::paramCount, "no input shape yet");
    NetworkContract shaped = c.withInputShape(List.of(3));
    assertEquals(List.of(3), shaped.inputShape());
    // Dense 3*5+5, BatchNormalization 4*5 (gamma, beta, moving mean and variance), Dense 5*2+2
    assertEquals(20 + 20 + 12, shaped.paramCount());
    List<long[]> layout = shaped.layerParamCounts();
    assertEquals(3, layout.size());
    assertEquals(List.of(20L, 20L, 12L), layout.stream().map(counts -> counts[0]).toList());
    assertEquals(List.of(0L, 10L, 0L), layout.stream().map(counts -> counts[1]).toList());
    assertEquals(2, shaped.numClasses());
    assertFalse(shaped.isBinarySigmoid());

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(shaped);
    }
    Object back;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      back = in.readObject();
    }
    assertEquals(shaped, back);
    NetworkContract reshaping = NetworkContract.of(
        Sequential.of(Reshape.to(2, 2), Flatten.of(), Dense.units(2).activation("softmax")),
        compile, new LabelMode(LabelMode.Kind.CLASS_INDEX, 2, true));
    String m = assertThrows(SpecException.class, () -> reshaping.withInputShape(List.of(3)),
        "a shape the layers cannot take is named at once").getMessage();
    assertTrue(m.contains("Reshape"), m);
  }
}
