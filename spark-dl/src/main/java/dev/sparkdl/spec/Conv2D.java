package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A 2-D convolution over channels-last images, as Keras' {@code Conv2D}: input {@code (height,
 * width, channels)}, output {@code (height', width', filters)}; kernel in Keras' shape {@code
 * (kernel_h, kernel_w, channels, filters)}.
 *
 * <pre>{@code Conv2D.filters(32).kernelSize(3, 3).activation("relu")}</pre>
 *
 * @param filters output channels, &gt; 0
 * @param kernelSize (h, w)
 * @param strides (h, w), default (1, 1)
 * @param padding valid (default) or same
 * @param activation an {@link Activations} name
 * @param dilationRate (h, w), default (1, 1)
 * @param useBias whether to add a bias per filter
 * @param kernelInitializer default glorot_uniform
 * @param biasInitializer default zeros
 * @param dataFormat channels_last (default, input {@code (height, width, channels)}) or
 *     channels_first (input {@code (channels, height, width)})
 * @param rules the {@link WeightRules}: kernel, bias and activity regularizers, kernel and bias
 *     constraints; {@link WeightRules#NONE} for none
 */
public record Conv2D(
    int filters,
    List<Integer> kernelSize,
    List<Integer> strides,
    String padding,
    String activation,
    List<Integer> dilationRate,
    boolean useBias,
    String kernelInitializer,
    String biasInitializer,
    String dataFormat,
    WeightRules rules)
    implements LayerSpec {

  /** A channels-last convolution without regularizers or constraints. */
  public Conv2D(int filters, List<Integer> kernelSize, List<Integer> strides, String padding,
      String activation, List<Integer> dilationRate, boolean useBias, String kernelInitializer,
      String biasInitializer) {
    this(filters, kernelSize, strides, padding, activation, dilationRate, useBias,
        kernelInitializer, biasInitializer, "channels_last");
  }

  /** A convolution in this data format, without regularizers or constraints. */
  public Conv2D(int filters, List<Integer> kernelSize, List<Integer> strides, String padding,
      String activation, List<Integer> dilationRate, boolean useBias, String kernelInitializer,
      String biasInitializer, String dataFormat) {
    this(filters, kernelSize, strides, padding, activation, dilationRate, useBias,
        kernelInitializer, biasInitializer, dataFormat, WeightRules.NONE);
  }

  /** Validates. */
  public Conv2D {
    if (filters <= 0) {
      throw new SpecException("Received an invalid value for `filters` of Conv2D, expected a"
          + " positive integer. Received: filters=" + filters);
    }
    kernelSize = pair("kernel_size", kernelSize);
    strides = pair("strides", strides);
    dilationRate = pair("dilation_rate", dilationRate);
    padding = Shapes.padding("Conv2D", padding);
    activation = Activations.check(activation);
    kernelInitializer = Initializers.check(kernelInitializer);
    biasInitializer = Initializers.check(biasInitializer);
    dataFormat = Shapes.dataFormat("Conv2D", dataFormat);
    rules = (rules == null ? WeightRules.NONE : rules)
        .check("Conv2D", WeightRules.KERNEL_BIAS.keySet());
  }

  /** @return a copy with these regularizers and constraints (see {@link WeightRules}) */
  public Conv2D rules(WeightRules rules) {
    return new Conv2D(filters, kernelSize, strides, padding, activation, dilationRate, useBias,
        kernelInitializer, biasInitializer, dataFormat, rules);
  }

  private static List<Integer> pair(String key, List<Integer> v) {
    if (v == null || v.size() != 2 || v.stream().anyMatch(d -> d == null || d <= 0)) {
      throw new SpecException("Received an invalid value for `" + key + "` of Conv2D, expected"
          + " two positive integers. Received: " + key + "=" + v);
    }
    return List.copyOf(v);
  }

  /** @return a 3x3 convolution with these filters and Keras' defaults */
  public static Conv2D filters(int filters) {
    return new Conv2D(filters, List.of(3, 3), List.of(1, 1), "valid", "linear", List.of(1, 1),
        true, "glorot_uniform", "zeros");
  }

  /** @return a copy with another kernel size */
  public Conv2D kernelSize(int height, int width) {
    return new Conv2D(filters, List.of(height, width), strides, padding, activation, dilationRate,
        useBias, kernelInitializer, biasInitializer, dataFormat, rules);
  }

  /** @return a copy with other strides */
  public Conv2D strides(int height, int width) {
    return new Conv2D(filters, kernelSize, List.of(height, width), padding, activation,
        dilationRate, useBias, kernelInitializer, biasInitializer, dataFormat, rules);
  }

  /** @return a copy with another padding (valid or same) */
  public Conv2D padding(String padding) {
    return new Conv2D(filters, kernelSize, strides, padding, activation, dilationRate, useBias,
        kernelInitializer, biasInitializer, dataFormat, rules);
  }

  /** @return a copy with another data format (channels_last or channels_first) */
  public Conv2D dataFormat(String dataFormat) {
    return new Conv2D(filters, kernelSize, strides, padding, activation, dilationRate, useBias,
        kernelInitializer, biasInitializer, dataFormat, rules);
  }

  /** @return a copy with another activation */
  public Conv2D activation(String activation) {
    return new Conv2D(filters, kernelSize, strides, padding, activation, dilationRate, useBias,
        kernelInitializer, biasInitializer, dataFormat, rules);
  }

  /** @return a copy with another dilation rate */
  public Conv2D dilationRate(int height, int width) {
    return new Conv2D(filters, kernelSize, strides, padding, activation, List.of(height, width),
        useBias, kernelInitializer, biasInitializer, dataFormat, rules);
  }

  @Override
  public String className() {
    return "Conv2D";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("filters", filters);
    c.put("kernel_size", kernelSize);
    c.put("strides", strides);
    c.put("padding", padding);
    c.put("activation", activation);
    c.put("dilation_rate", dilationRate);
    c.put("use_bias", useBias);
    c.put("kernel_initializer", Initializers.toKeras(kernelInitializer));
    c.put("bias_initializer", Initializers.toKeras(biasInitializer));
    if ("channels_first".equals(dataFormat)) {
      c.put("data_format", dataFormat);
    }
    rules.writeTo(c, WeightRules.KERNEL_BIAS);
    return c;
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    return Shapes.inFormat(dataFormat, input, in -> Shapes.spatial(describe(), "kernel", in,
        kernelSize, strides, dilationRate, padding, filters));
  }

  @Override
  public long paramCount(List<Integer> input) {
    int channels = "channels_first".equals(dataFormat) ? input.get(0)
        : input.get(input.size() - 1);
    return (long) kernelSize.get(0) * kernelSize.get(1) * channels * filters
        + (useBias ? filters : 0);
  }

  String describe() {
    return "Conv2D(" + filters + ", " + Shapes.dims(kernelSize) + ")";
  }

  static Conv2D read(Config c) {
    // Keras 1: nb_filter, nb_row, nb_col, subsample, border_mode, init, bias
    boolean k1 = c.has("nb_filter");
    Conv2D v = new Conv2D(k1 ? c.requiredInt("nb_filter") : c.requiredInt("filters"),
        k1 ? List.of(c.requiredInt("nb_row"), c.requiredInt("nb_col"))
            : c.optInts("kernel_size", 2, null),
        c.optInts(k1 ? "subsample" : "strides", 2, List.of(1, 1)),
        c.optString(k1 ? "border_mode" : "padding", "valid"),
        c.optIdentifier("activation", "linear"), c.optInts("dilation_rate", 2, List.of(1, 1)),
        k1 ? c.optBoolean("bias", true) : c.optBoolean("use_bias", true),
        k1 ? Initializers.read(c, "init", "glorot_uniform")
            : Initializers.read(c, "kernel_initializer", "glorot_uniform"),
        Initializers.read(c, "bias_initializer", "zeros"), Keras1.dataFormatOf(c),
        WeightRules.read(c, WeightRules.KERNEL_BIAS, WeightRules.KERAS1_KERNEL_BIAS));
    c.only("groups", 1);
    Keras1.offKeys(c);
    c.finish();
    return v;
  }
}
