package dev.sparkdl.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' {@code SeparableConv1D} and {@code SeparableConv2D}: a depthwise convolution (each
 * input channel convolved with its own {@code depth_multiplier} filters, as {@link
 * DepthwiseConv2D}) followed by a pointwise (1x1) convolution to {@code filters} channels, then
 * the bias and the activation. Input {@code (steps, channels)} or {@code (height, width,
 * channels)}; weights {@code depthwise_kernel (kernel..., channels, depth_multiplier)}, {@code
 * pointwise_kernel (1[, 1], channels * depth_multiplier, filters)} and {@code bias (filters)}.
 *
 * <pre>{@code SeparableConv.conv2D(32, 3, 3).padding("same").activation("relu")}</pre>
 *
 * @param rank 1 or 2
 * @param filters output channels, &gt; 0
 * @param kernelSize one size per spatial axis
 * @param strides one per spatial axis, default 1
 * @param padding valid (default) or same
 * @param dataFormat channels_last (default) or channels_first
 * @param dilationRate one per spatial axis, default 1
 * @param depthMultiplier depthwise filters per input channel, default 1
 * @param activation an {@link Activations} name
 * @param useBias whether to add a bias per filter
 * @param depthwiseInitializer default glorot_uniform
 * @param pointwiseInitializer default glorot_uniform
 * @param biasInitializer default zeros
 * @param rules the {@link WeightRules} (depthwise_kernel, pointwise_kernel, bias, activity)
 */
public record SeparableConv(int rank, int filters, List<Integer> kernelSize,
    List<Integer> strides, String padding, String dataFormat, List<Integer> dilationRate,
    int depthMultiplier, String activation, boolean useBias, String depthwiseInitializer,
    String pointwiseInitializer, String biasInitializer, WeightRules rules)
    implements LayerSpec {

  /** Validates. */
  public SeparableConv {
    if (rank != 1 && rank != 2) {
      throw new SpecException("SeparableConv rank must be 1 or 2. Received: " + rank);
    }
    String owner = "SeparableConv" + rank + "D";
    if (filters <= 0) {
      throw new SpecException("Received an invalid value for `filters` of " + owner
          + ", expected a positive integer. Received: filters=" + filters);
    }
    kernelSize = tuple(owner, "kernel_size", kernelSize, rank);
    strides = tuple(owner, "strides", strides, rank);
    dilationRate = tuple(owner, "dilation_rate", dilationRate, rank);
    if (depthMultiplier <= 0) {
      throw new SpecException("Received an invalid value for `depth_multiplier` of " + owner
          + ", expected a positive integer. Received: depth_multiplier=" + depthMultiplier);
    }
    padding = Shapes.padding(owner, padding);
    dataFormat = Shapes.dataFormat(owner, dataFormat);
    activation = Activations.check(activation);
    depthwiseInitializer = Initializers.check(depthwiseInitializer);
    pointwiseInitializer = Initializers.check(pointwiseInitializer);
    biasInitializer = Initializers.check(biasInitializer);
    rules = (rules == null ? WeightRules.NONE : rules)
        .check(owner, WeightRules.SEPARABLE.keySet());
  }

  static List<Integer> tuple(String owner, String key, List<Integer> v, int n) {
    if (v == null || v.size() != n || v.stream().anyMatch(d -> d == null || d <= 0)) {
      throw new SpecException("Received an invalid value for `" + key + "` of " + owner
          + ", expected " + (n == 1 ? "a positive integer" : n + " positive integers")
          + ". Received: " + key + "=" + v);
    }
    return List.copyOf(v);
  }

  /** @return SeparableConv2D(filters, (height, width)) with Keras' defaults */
  public static SeparableConv conv2D(int filters, int height, int width) {
    return new SeparableConv(2, filters, List.of(height, width), List.of(1, 1), "valid",
        "channels_last", List.of(1, 1), 1, "linear", true, "glorot_uniform", "glorot_uniform",
        "zeros", WeightRules.NONE);
  }

  /** @return SeparableConv1D(filters, kernel) with Keras' defaults */
  public static SeparableConv conv1D(int filters, int kernel) {
    return new SeparableConv(1, filters, List.of(kernel), List.of(1), "valid", "channels_last",
        List.of(1), 1, "linear", true, "glorot_uniform", "glorot_uniform", "zeros",
        WeightRules.NONE);
  }

  /** @return a copy with other strides, one per spatial axis */
  public SeparableConv strides(Integer... s) {
    return new SeparableConv(rank, filters, kernelSize, List.of(s), padding, dataFormat,
        dilationRate, depthMultiplier, activation, useBias, depthwiseInitializer,
        pointwiseInitializer, biasInitializer, rules);
  }

  /** @return a copy with another padding (valid or same) */
  public SeparableConv padding(String p) {
    return new SeparableConv(rank, filters, kernelSize, strides, p, dataFormat, dilationRate,
        depthMultiplier, activation, useBias, depthwiseInitializer, pointwiseInitializer,
        biasInitializer, rules);
  }

  /** @return a copy with another data format */
  public SeparableConv dataFormat(String f) {
    return new SeparableConv(rank, filters, kernelSize, strides, padding, f, dilationRate,
        depthMultiplier, activation, useBias, depthwiseInitializer, pointwiseInitializer,
        biasInitializer, rules);
  }

  /** @return a copy with other dilation rates, one per spatial axis */
  public SeparableConv dilationRate(Integer... d) {
    return new SeparableConv(rank, filters, kernelSize, strides, padding, dataFormat,
        List.of(d), depthMultiplier, activation, useBias, depthwiseInitializer,
        pointwiseInitializer, biasInitializer, rules);
  }

  /** @return a copy with another depth multiplier */
  public SeparableConv depthMultiplier(int m) {
    return new SeparableConv(rank, filters, kernelSize, strides, padding, dataFormat,
        dilationRate, m, activation, useBias, depthwiseInitializer, pointwiseInitializer,
        biasInitializer, rules);
  }

  /** @return a copy with another activation */
  public SeparableConv activation(String a) {
    return new SeparableConv(rank, filters, kernelSize, strides, padding, dataFormat,
        dilationRate, depthMultiplier, a, useBias, depthwiseInitializer, pointwiseInitializer,
        biasInitializer, rules);
  }

  /** @return a copy with or without a bias */
  public SeparableConv useBias(boolean use) {
    return new SeparableConv(rank, filters, kernelSize, strides, padding, dataFormat,
        dilationRate, depthMultiplier, activation, use, depthwiseInitializer,
        pointwiseInitializer, biasInitializer, rules);
  }

  /** @return a copy with these regularizers and constraints */
  public SeparableConv rules(WeightRules r) {
    return new SeparableConv(rank, filters, kernelSize, strides, padding, dataFormat,
        dilationRate, depthMultiplier, activation, useBias, depthwiseInitializer,
        pointwiseInitializer, biasInitializer, r);
  }

  @Override
  public String className() {
    return "SeparableConv" + rank + "D";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("filters", filters);
    c.put("kernel_size", kernelSize);
    c.put("strides", strides);
    c.put("padding", padding);
    c.put("data_format", dataFormat);
    c.put("dilation_rate", dilationRate);
    c.put("depth_multiplier", depthMultiplier);
    c.put("activation", activation);
    c.put("use_bias", useBias);
    c.put("depthwise_initializer", Initializers.toKeras(depthwiseInitializer));
    c.put("pointwise_initializer", Initializers.toKeras(pointwiseInitializer));
    c.put("bias_initializer", Initializers.toKeras(biasInitializer));
    rules.writeTo(c, WeightRules.SEPARABLE);
    return c;
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    return Shapes.inFormat(dataFormat, input, in -> Shapes.spatial(className() + "(" + filters
        + ", " + Shapes.dims(kernelSize) + ")", "kernel", in, kernelSize, strides, dilationRate,
        padding, filters));
  }

  @Override
  public long paramCount(List<Integer> input) {
    long channels = "channels_first".equals(dataFormat) ? input.get(0)
        : input.get(input.size() - 1);
    long kernel = 1;
    for (int k : kernelSize) {
      kernel *= k;
    }
    long mid = channels * depthMultiplier;
    return kernel * mid + mid * filters + (useBias ? filters : 0);
  }

  /** Reads Keras 2 and 3 configs (and tf.keras' unused {@code kernel_*} arguments). */
  static LayerTypes.Reader reader(int rank) {
    return c -> {
      List<Integer> ones = new ArrayList<>();
      for (int i = 0; i < rank; i++) {
        ones.add(1);
      }
      SeparableConv v = new SeparableConv(rank, c.requiredInt("filters"),
          c.optInts("kernel_size", rank, null), c.optInts("strides", rank, ones),
          c.optString("padding", "valid"), Keras1.dataFormatOf(c),
          c.optInts("dilation_rate", rank, ones), c.optInt("depth_multiplier", 1),
          c.optIdentifier("activation", "linear"), c.optBoolean("use_bias", true),
          Initializers.read(c, "depthwise_initializer", "glorot_uniform"),
          Initializers.read(c, "pointwise_initializer", "glorot_uniform"),
          Initializers.read(c, "bias_initializer", "zeros"),
          WeightRules.read(c, WeightRules.SEPARABLE, Map.of()));
      c.ignore("kernel_initializer");
      c.finish();
      return v;
    };
  }
}
