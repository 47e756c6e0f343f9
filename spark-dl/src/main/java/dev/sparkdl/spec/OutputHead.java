package dev.sparkdl.spec;

import java.io.Serializable;
import java.util.List;

/**
 * What a network's last layers make of its outputs, found by the one rule that the loss checks,
 * the engine and the output columns all use.
 *
 * <p>The output activation is the activation the outputs passed last: the last {@link
 * Activation} layer, an {@link ActivationLayer} computing a named activation ({@code Softmax()}
 * is softmax, {@code ReLU()} relu; one with arguments of its own, e.g. {@code ReLU(max_value=1)},
 * makes the output linear), or the activation of the last {@link Dense}, {@link Conv1D} or {@link
 * Conv2D} layer, looking back past layers that leave values' meaning alone at inference ({@link
 * Dropout}, the noise layers ({@link NoiseLayer}, identity at inference), {@link Flatten}); any
 * other layer there (BatchNormalization, a pooling layer, ...) makes the output linear. For {@code Dense(1), Activation("sigmoid"), Dropout(0.1)} it is
 * sigmoid. The output units are the last Dense layer's, looking back past Activation, Dropout,
 * Flatten and BatchNormalization layers, which keep the width.
 *
 * @param activation the output activation's canonical name; {@code linear} if none
 * @param units the output units, or -1 when the network does not end with a Dense layer
 * @param activationLayer the index of the layer applying {@code activation}, or -1 for linear
 * @param layers the number of layers in the network
 * @param description the output layers in words, for messages, e.g. {@code Dense(1,
 *     activation='linear') followed by Activation('sigmoid')}
 */
public record OutputHead(
    String activation, int units, int activationLayer, int layers, String description)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Applies the rule to a network.
   *
   * @param network the network
   * @return its output head
   */
  public static OutputHead of(Sequential network) {
    List<LayerSpec> l = network.layers();
    int i = l.size() - 1;
    while (i >= 0 && (l.get(i) instanceof Dropout || l.get(i) instanceof NoiseLayer
        || l.get(i) instanceof Flatten)) {
      i--;
    }
    String activation = "linear";
    if (i >= 0) {
      String a = activationOf(l.get(i));
      if (a != null) {
        activation = a;
      }
    }
    int activationLayer = "linear".equals(activation) ? -1 : i;
    int units = -1;
    int dense = -1;
    for (int j = l.size() - 1; j >= 0; j--) {
      LayerSpec layer = l.get(j);
      if (layer instanceof Dense d) {
        units = d.units();
        dense = j;
        break;
      }
      if (!(layer instanceof Activation || layer instanceof ActivationLayer
          || layer instanceof Dropout || layer instanceof NoiseLayer || layer instanceof Flatten
          || layer instanceof BatchNormalization)) {
        break;
      }
    }
    return new OutputHead(activation, units, activationLayer, l.size(),
        describe(l, dense, activationLayer));
  }

  /** @return whether the output activation is applied by the network's very last layer */
  public boolean activationIsLast() {
    return activationLayer >= 0 && activationLayer == layers - 1;
  }

  /** @return whether the network ends with a Dense layer (possibly followed as above) */
  public boolean hasUnits() {
    return units > 0;
  }

  /** @return the activation a layer applies to its output, or null for none of its own */
  private static String activationOf(LayerSpec layer) {
    if (layer instanceof Activation a) {
      return a.activation();
    }
    if (layer instanceof ActivationLayer a) {
      return a.asActivation();
    }
    if (layer instanceof Dense d) {
      return d.activation();
    }
    if (layer instanceof Conv2D c) {
      return c.activation();
    }
    if (layer instanceof Conv1D c) {
      return c.activation();
    }
    if (layer instanceof Conv2DTranspose c) {
      return c.activation();
    }
    if (layer instanceof DepthwiseConv2D c) {
      return c.activation();
    }
    if (layer instanceof SeparableConv c) {
      return c.activation();
    }
    return null;
  }

  private static String describe(List<LayerSpec> l, int dense, int activationLayer) {
    if (l.isEmpty()) {
      return "no layers";
    }
    int from = dense >= 0 ? dense : l.size() - 1;
    StringBuilder s = new StringBuilder();
    for (int j = from; j < l.size(); j++) {
      s.append(j == from ? "" : " followed by ").append(describe(l.get(j)));
    }
    return s.toString();
  }

  /**
   * @param layer a layer
   * @return the layer in Keras' words, e.g. {@code Dense(10, activation='softmax')}
   */
  public static String describe(LayerSpec layer) {
    if (layer instanceof Dense d) {
      return "Dense(" + d.units() + ", activation='" + d.activation() + "')";
    }
    if (layer instanceof Activation a) {
      return "Activation('" + a.activation() + "')";
    }
    if (layer instanceof Dropout d) {
      return "Dropout(" + d.rate() + ")";
    }
    return layer.className() + layer.config();
  }
}
