package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A 1-D convolution over channels-last sequences, as Keras' {@code Conv1D}: input {@code
 * (steps, channels)}, output {@code (steps', filters)}; kernel in Keras' shape {@code
 * (kernel_size, channels, filters)}.
 *
 * @param filters output channels, &gt; 0
 * @param kernelSize the window length
 * @param strides the step, default 1
 * @param padding valid (default), same, or causal (Keras: {@code (kernel_size - 1) *
 *     dilation_rate} zeros before the sequence, so no output sees later steps)
 * @param activation an {@link Activations} name
 * @param dilationRate default 1
 * @param useBias whether to add a bias per filter
 * @param kernelInitializer default glorot_uniform
 * @param biasInitializer default zeros
 * @param dataFormat channels_last (default, input {@code (steps, channels)}) or channels_first
 *     (input {@code (channels, steps)}, output {@code (filters, steps')})
 * @param rules the {@link WeightRules}: kernel, bias and activity regularizers, kernel and bias
 *     constraints; {@link WeightRules#NONE} for none
 */
public record Conv1D(
    int filters,
    int kernelSize,
    int strides,
    String padding,
    String activation,
    int dilationRate,
    boolean useBias,
    String kernelInitializer,
    String biasInitializer,
    String dataFormat,
    WeightRules rules)
    implements LayerSpec {

  /** A channels-last convolution without regularizers or constraints. */
  public Conv1D(int filters, int kernelSize, int strides, String padding, String activation,
      int dilationRate, boolean useBias, String kernelInitializer, String biasInitializer) {
    this(filters, kernelSize, strides, padding, activation, dilationRate, useBias,
        kernelInitializer, biasInitializer, "channels_last");
  }

  /** A convolution in this data format, without regularizers or constraints. */
  public Conv1D(int filters, int kernelSize, int strides, String padding, String activation,
      int dilationRate, boolean useBias, String kernelInitializer, String biasInitializer,
      String dataFormat) {
    this(filters, kernelSize, strides, padding, activation, dilationRate, useBias,
        kernelInitializer, biasInitializer, dataFormat, WeightRules.NONE);
  }

  /** Validates. */
  public Conv1D {
    if (filters <= 0 || kernelSize <= 0 || strides <= 0 || dilationRate <= 0) {
      throw new SpecException("Received an invalid value for Conv1D, expected positive filters,"
          + " kernel_size, strides and dilation_rate. Received: filters=" + filters
          + ", kernel_size=" + kernelSize + ", strides=" + strides + ", dilation_rate="
          + dilationRate);
    }
    padding = Shapes.padding("Conv1D", padding, List.of("valid", "same", "causal"));
    activation = Activations.check(activation);
    kernelInitializer = Initializers.check(kernelInitializer);
    biasInitializer = Initializers.check(biasInitializer);
    dataFormat = Shapes.dataFormat("Conv1D", dataFormat);
    rules = (rules == null ? WeightRules.NONE : rules)
        .check("Conv1D", WeightRules.KERNEL_BIAS.keySet());
  }

  /** @return a copy with these regularizers and constraints (see {@link WeightRules}) */
  public Conv1D rules(WeightRules rules) {
    return new Conv1D(filters, kernelSize, strides, padding, activation, dilationRate, useBias,
        kernelInitializer, biasInitializer, dataFormat, rules);
  }

  /** @return a convolution with these filters and window, Keras' defaults otherwise */
  public static Conv1D filters(int filters, int kernelSize) {
    return new Conv1D(filters, kernelSize, 1, "valid", "linear", 1, true, "glorot_uniform",
        "zeros");
  }

  /** @return a copy with another activation */
  public Conv1D activation(String activation) {
    return new Conv1D(filters, kernelSize, strides, padding, activation, dilationRate, useBias,
        kernelInitializer, biasInitializer, dataFormat, rules);
  }

  /** @return a copy with another data format (channels_last or channels_first) */
  public Conv1D dataFormat(String dataFormat) {
    return new Conv1D(filters, kernelSize, strides, padding, activation, dilationRate, useBias,
        kernelInitializer, biasInitializer, dataFormat, rules);
  }

  /** @return a copy with another padding */
  public Conv1D padding(String padding) {
    return new Conv1D(filters, kernelSize, strides, padding, activation, dilationRate, useBias,
        kernelInitializer, biasInitializer, dataFormat, rules);
  }

  @Override
  public String className() {
    return "Conv1D";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("filters", filters);
    c.put("kernel_size", List.of(kernelSize));
    c.put("strides", List.of(strides));
    c.put("padding", padding);
    c.put("activation", activation);
    c.put("dilation_rate", List.of(dilationRate));
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
    return Shapes.inFormat(dataFormat, input, in -> Shapes.spatial("Conv1D(" + filters + ", "
        + kernelSize + ")", "kernel", in, List.of(kernelSize), List.of(strides),
        List.of(dilationRate), padding, filters));
  }

  @Override
  public long paramCount(List<Integer> input) {
    int channels = "channels_first".equals(dataFormat) ? input.get(0)
        : input.get(input.size() - 1);
    return (long) kernelSize * channels * filters + (useBias ? filters : 0);
  }

  static Conv1D read(Config c) {
    // Keras 1: nb_filter, filter_length, subsample_length, border_mode, init, bias
    boolean k1 = c.has("nb_filter");
    Conv1D v = new Conv1D(k1 ? c.requiredInt("nb_filter") : c.requiredInt("filters"),
        k1 ? c.requiredInt("filter_length") : c.optInts("kernel_size", 1, null).get(0),
        k1 ? c.optInt("subsample_length", 1) : c.optInts("strides", 1, List.of(1)).get(0),
        k1 ? c.optString("border_mode", "valid") : c.optString("padding", "valid"),
        c.optIdentifier("activation", "linear"),
        c.optInts("dilation_rate", 1, List.of(1)).get(0),
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
