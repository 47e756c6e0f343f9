package dev.sparkdl.spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain stack of layers, each feeding the next, as Keras' {@code Sequential}.
 *
 * <pre>{@code
 * Sequential net = Sequential.of(
 *     Dense.units(500).activation("relu"),
 *     BatchNormalization.defaults(),
 *     Dropout.rate(0.3),
 *     Dense.units(10).activation("softmax")).inputShape(784);
 * }</pre>
 *
 * @param layers the layers in order; at least one
 * @param inputShape the per-sample input shape without the batch axis (e.g. {@code [784]}), or
 *     {@code null} to take it from the data at fit time
 */
public record Sequential(List<LayerSpec> layers, List<Integer> inputShape) {

  /** Validates and freezes the lists. */
  public Sequential {
    if (layers == null || layers.isEmpty()) {
      throw new SpecException(
          "A Sequential network needs at least one layer. Received: no layers.");
    }
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i) == null) {
        throw new SpecException("Sequential: layer " + i + " is null.");
      }
    }
    layers = List.copyOf(layers);
    MaskChain.maskedInputs(layers); // a layer that cannot take Embedding(mask_zero)'s mask
    if (inputShape != null) {
      if (inputShape.isEmpty() || inputShape.stream().anyMatch(d -> d == null || d <= 0)) {
        throw new SpecException(
            "Received an invalid input shape " + inputShape
                + ", expected a non-empty list of positive integers such as [784].");
      }
      inputShape = List.copyOf(inputShape);
    }
  }

  /** @return a network of these layers whose input shape comes from the data at fit time */
  public static Sequential of(LayerSpec... layers) {
    return new Sequential(Arrays.asList(layers), null);
  }

  /** @return a copy with this per-sample input shape, e.g. {@code inputShape(784)} */
  public Sequential inputShape(int... shape) {
    List<Integer> s = new ArrayList<>();
    for (int d : shape) {
      s.add(d);
    }
    return new Sequential(layers, s);
  }

  /** @return a copy with this per-sample input shape */
  public Sequential withInputShape(List<Integer> shape) {
    return new Sequential(layers, shape);
  }

  /** @return a copy with one more layer at the end */
  public Sequential add(LayerSpec layer) {
    List<LayerSpec> l = new ArrayList<>(layers);
    l.add(layer);
    return new Sequential(l, inputShape);
  }

  /** @return the last layer */
  public LayerSpec lastLayer() {
    return layers.get(layers.size() - 1);
  }

  /**
   * Shape inference through every layer.
   *
   * @param input the per-sample input shape
   * @return the per-sample output shape of each layer, in order
   * @throws SpecException naming the first layer that cannot take its input
   */
  public List<List<Integer>> layerOutputShapes(List<Integer> input) {
    List<List<Integer>> out = new ArrayList<>();
    List<Integer> s = input;
    for (int i = 0; i < layers.size(); i++) {
      LayerSpec l = layers.get(i);
      try {
        s = l.outputShape(s);
      } catch (SpecException e) {
        throw new SpecException("Layer " + i + " (" + l.className() + "): " + e.getMessage(), e);
      }
      out.add(s);
    }
    return out;
  }

  /**
   * @param input the per-sample input shape
   * @return the per-sample output shape of the network
   */
  public List<Integer> outputShape(List<Integer> input) {
    List<List<Integer>> all = layerOutputShapes(input);
    return all.get(all.size() - 1);
  }

  /**
   * The activation the network ends with, by the one rule of {@link OutputHead}: the last
   * {@link Activation} layer or the last Dense/Conv layer's activation, looking back past
   * Dropout and Flatten.
   *
   * @return the canonical activation name, {@code linear} if none
   */
  public String outputActivation() {
    return OutputHead.of(this).activation();
  }

  /**
   * @return the total of Keras' parameter counts of every layer
   * @throws SpecException if the input shape is not set
   */
  public long paramCount() {
    return counts()[0];
  }

  private long[] counts() {
    List<Integer> s = requireInputShape();
    long total = 0;
    long frozen = 0;
    for (LayerSpec l : layers) {
      total += l.paramCount(s);
      frozen += l.nonTrainableCount(s);
      s = l.outputShape(s);
    }
    return new long[] {total, frozen};
  }

  /**
   * The parameter layout in Keras' order: for each layer, how many weights it holds and how many
   * of them are not trainable (BatchNormalization's moving statistics).
   *
   * @return one {@code {total, nonTrainable}} pair per layer
   * @throws SpecException if the input shape is not set
   */
  public List<long[]> layerParamCounts() {
    List<Integer> s = requireInputShape();
    List<long[]> out = new ArrayList<>();
    for (LayerSpec l : layers) {
      out.add(new long[] {l.paramCount(s), l.nonTrainableCount(s)});
      s = l.outputShape(s);
    }
    return out;
  }

  private List<Integer> requireInputShape() {
    if (inputShape == null) {
      throw new SpecException("The network has no input shape; set it with inputShape(...) to"
          + " compute shapes and parameter counts.");
    }
    return inputShape;
  }

  /**
   * Keras' {@code model.summary()}: each layer's name and type, output shape and parameter
   * count, then the totals.
   *
   * @return the table
   * @throws SpecException if the input shape is not set
   */
  public String summary() {
    List<Integer> s = requireInputShape();
    StringBuilder b = new StringBuilder();
    String rule = "_".repeat(78) + "\n";
    b.append("Model: \"sequential\"\n").append(rule);
    b.append(String.format(java.util.Locale.ROOT, " %-40s %-22s %12s%n", "Layer (type)",
        "Output Shape", "Param #"));
    b.append("=".repeat(78)).append('\n');
    java.util.Map<String, Integer> seen = new java.util.HashMap<>();
    long total = 0;
    long frozen = 0;
    for (LayerSpec l : layers) {
      String base = LayerTypes.snakeCase(l.className());
      int n = seen.merge(base, 1, Integer::sum);
      String name = n == 1 ? base : base + "_" + (n - 1);
      long params = l.paramCount(s);
      total += params;
      frozen += l.nonTrainableCount(s);
      s = l.outputShape(s);
      String shape = "(None, " + s.toString().replace("[", "").replace("]", "") + ")";
      b.append(String.format(java.util.Locale.ROOT, " %-40s %-22s %,12d%n",
          name + " (" + l.className() + ")", shape, params));
    }
    b.append("=".repeat(78)).append('\n');
    b.append(String.format(java.util.Locale.ROOT,
        "Total params: %,d%nTrainable params: %,d%nNon-trainable params: %,d%n", total,
        total - frozen, frozen));
    b.append(rule);
    return b.toString();
  }

  /** @return Keras JSON of the model: {@code {"class_name": "Sequential", "config": {...}}} */
  public String toJson() {
    return SpecJson.sequentialToJson(this);
  }

  /**
   * Reads a network from JSON: Keras' {@code model.to_json()} form of a Sequential (Keras 2 or 3),
   * or a bare list of layers.
   *
   * @param json the document
   * @return the spec
   * @throws SpecException naming what is malformed or unsupported
   */
  public static Sequential fromJson(String json) {
    return SpecJson.sequentialFromJson(json);
  }
}
