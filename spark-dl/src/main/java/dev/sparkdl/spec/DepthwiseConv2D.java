package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A depthwise 2-D convolution, as Keras' {@code DepthwiseConv2D}: each input channel is
 * convolved with its own {@code depth_multiplier} filters; input {@code (height, width,
 * channels)}, output {@code (height', width', channels * depth_multiplier)} with output channel
 * {@code c * depth_multiplier + m} from input channel {@code c}; kernel {@code (kernel_h,
 * kernel_w, channels, depth_multiplier)}, bias {@code (channels * depth_multiplier)}.
 *
 * <pre>{@code DepthwiseConv2D.kernelSize(3, 3).padding("same").depthMultiplier(2)}</pre>
 *
 * @param kernelSize (h, w)
 * @param strides (h, w), default (1, 1)
 * @param padding valid (default) or same
 * @param depthMultiplier filters per input channel, default 1
 * @param dataFormat channels_last (default) or channels_first
 * @param dilationRate (h, w), default (1, 1)
 * @param activation an {@link Activations} name
 * @param useBias whether to add a bias per output channel
 * @param depthwiseInitializer default glorot_uniform
 * @param biasInitializer default zeros
 * @param rules the {@link WeightRules} (depthwise_kernel, bias, activity)
 */
public record DepthwiseConv2D(List<Integer> kernelSize, List<Integer> strides, String padding,
    int depthMultiplier, String dataFormat, List<Integer> dilationRate, String activation,
    boolean useBias, String depthwiseInitializer, String biasInitializer, WeightRules rules)
    implements LayerSpec {

  /** Validates. */
  public DepthwiseConv2D {
    kernelSize = SeparableConv.tuple("DepthwiseConv2D", "kernel_size", kernelSize, 2);
    strides = SeparableConv.tuple("DepthwiseConv2D", "strides", strides, 2);
    dilationRate = SeparableConv.tuple("DepthwiseConv2D", "dilation_rate", dilationRate, 2);
    if (depthMultiplier <= 0) {
      throw new SpecException("Received an invalid value for `depth_multiplier` of"
          + " DepthwiseConv2D, expected a positive integer. Received: depth_multiplier="
          + depthMultiplier);
    }
    padding = Shapes.padding("DepthwiseConv2D", padding);
    dataFormat = Shapes.dataFormat("DepthwiseConv2D", dataFormat);
    activation = Activations.check(activation);
    depthwiseInitializer = Initializers.check(depthwiseInitializer);
    biasInitializer = Initializers.check(biasInitializer);
    rules = (rules == null ? WeightRules.NONE : rules)
        .check("DepthwiseConv2D", WeightRules.DEPTHWISE_BIAS.keySet());
  }

  /** @return a depthwise convolution with this kernel and Keras' defaults */
  public static DepthwiseConv2D kernelSize(int height, int width) {
    return new DepthwiseConv2D(List.of(height, width), List.of(1, 1), "valid", 1,
        "channels_last", List.of(1, 1), "linear", true, "glorot_uniform", "zeros",
        WeightRules.NONE);
  }

  /** @return a copy with other strides */
  public DepthwiseConv2D strides(int height, int width) {
    return new DepthwiseConv2D(kernelSize, List.of(height, width), padding, depthMultiplier,
        dataFormat, dilationRate, activation, useBias, depthwiseInitializer, biasInitializer,
        rules);
  }

  /** @return a copy with another padding (valid or same) */
  public DepthwiseConv2D padding(String padding) {
    return new DepthwiseConv2D(kernelSize, strides, padding, depthMultiplier, dataFormat,
        dilationRate, activation, useBias, depthwiseInitializer, biasInitializer, rules);
  }

  /** @return a copy with another depth multiplier */
  public DepthwiseConv2D depthMultiplier(int multiplier) {
    return new DepthwiseConv2D(kernelSize, strides, padding, multiplier, dataFormat,
        dilationRate, activation, useBias, depthwiseInitializer, biasInitializer, rules);
  }

  /** @return a copy with another data format */
  public DepthwiseConv2D dataFormat(String format) {
    return new DepthwiseConv2D(kernelSize, strides, padding, depthMultiplier, format,
        dilationRate, activation, useBias, depthwiseInitializer, biasInitializer, rules);
  }

  /** @return a copy with another dilation rate */
  public DepthwiseConv2D dilationRate(int height, int width) {
    return new DepthwiseConv2D(kernelSize, strides, padding, depthMultiplier, dataFormat,
        List.of(height, width), activation, useBias, depthwiseInitializer, biasInitializer,
        rules);
  }

  /** @return a copy with another activation */
  public DepthwiseConv2D activation(String activation) {
    return new DepthwiseConv2D(kernelSize, strides, padding, depthMultiplier, dataFormat,
        dilationRate, activation, useBias, depthwiseInitializer, biasInitializer, rules);
  }

  /** @return a copy with or without a bias */
  public DepthwiseConv2D useBias(boolean use) {
    return new DepthwiseConv2D(kernelSize, strides, padding, depthMultiplier, dataFormat,
        dilationRate, activation, use, depthwiseInitializer, biasInitializer, rules);
  }

  /** @return a copy with these regularizers and constraints */
  public DepthwiseConv2D rules(WeightRules rules) {
    return new DepthwiseConv2D(kernelSize, strides, padding, depthMultiplier, dataFormat,
        dilationRate, activation, useBias, depthwiseInitializer, biasInitializer, rules);
  }

  @Override
  public String className() {
    return "DepthwiseConv2D";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("kernel_size", kernelSize);
    c.put("strides", strides);
    c.put("padding", padding);
    c.put("depth_multiplier", depthMultiplier);
    c.put("data_format", dataFormat);
    c.put("dilation_rate", dilationRate);
    c.put("activation", activation);
    c.put("use_bias", useBias);
    c.put("depthwise_initializer", Initializers.toKeras(depthwiseInitializer));
    c.put("bias_initializer", Initializers.toKeras(biasInitializer));
    rules.writeTo(c, WeightRules.DEPTHWISE_BIAS);
    return c;
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    return Shapes.inFormat(dataFormat, input, in -> Shapes.spatial("DepthwiseConv2D("
        + Shapes.dims(kernelSize) + ")", "kernel", in, kernelSize, strides, dilationRate,
        padding, in.size() == 3 ? in.get(2) * depthMultiplier : 0));
  }

  @Override
  public long paramCount(List<Integer> input) {
    long channels = "channels_first".equals(dataFormat) ? input.get(0)
        : input.get(input.size() - 1);
    long out = channels * depthMultiplier;
    return (long) kernelSize.get(0) * kernelSize.get(1) * out + (useBias ? out : 0);
  }

  static DepthwiseConv2D read(Config c) {
    DepthwiseConv2D v = new DepthwiseConv2D(c.optInts("kernel_size", 2, null),
        c.optInts("strides", 2, List.of(1, 1)), c.optString("padding", "valid"),
        c.optInt("depth_multiplier", 1), Keras1.dataFormatOf(c),
        c.optInts("dilation_rate", 2, List.of(1, 1)), c.optIdentifier("activation", "linear"),
        c.optBoolean("use_bias", true),
        Initializers.read(c, "depthwise_initializer", "glorot_uniform"),
        Initializers.read(c, "bias_initializer", "zeros"),
        WeightRules.read(c, WeightRules.DEPTHWISE_BIAS, Map.of()));
    // tf.keras writes the Conv2D base's unused kernel arguments too
    c.ignore("kernel_initializer");
    c.finish();
    return v;
  }
}
