package dev.sparkdl.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A transposed 2-D convolution (a "deconvolution", the gradient of {@link Conv2D} with respect
 * to its input), as Keras' {@code Conv2DTranspose}: input {@code (height, width, channels)},
 * output {@code (height', width', filters)} with each spatial size from Keras' {@code
 * compute_conv_transpose_output_length}; kernel in Keras' shape {@code (kernel_h, kernel_w,
 * filters, channels)} (outputs before inputs, the transpose of Conv2D's order).
 *
 * <pre>{@code Conv2DTranspose.filters(16).kernelSize(3, 3).strides(2, 2).padding("same")}</pre>
 *
 * @param filters output channels, &gt; 0
 * @param kernelSize (h, w)
 * @param strides (h, w), default (1, 1)
 * @param padding valid (default) or same
 * @param outputPadding (h, w), each smaller than its stride, or null (Keras' default: inferred)
 * @param activation an {@link Activations} name
 * @param dilationRate (h, w), default (1, 1)
 * @param useBias whether to add a bias per filter
 * @param kernelInitializer default glorot_uniform
 * @param biasInitializer default zeros
 * @param dataFormat channels_last (default) or channels_first
 * @param rules the {@link WeightRules} (kernel, bias, activity); {@link WeightRules#NONE} for none
 */
public record Conv2DTranspose(int filters, List<Integer> kernelSize, List<Integer> strides,
    String padding, List<Integer> outputPadding, String activation, List<Integer> dilationRate,
    boolean useBias, String kernelInitializer, String biasInitializer, String dataFormat,
    WeightRules rules) implements LayerSpec {

  /** Validates. */
  public Conv2DTranspose {
    if (filters <= 0) {
      throw new SpecException("Received an invalid value for `filters` of Conv2DTranspose,"
          + " expected a positive integer. Received: filters=" + filters);
    }
    kernelSize = Conv2DTranspose.pair("kernel_size", kernelSize, 1);
    strides = pair("strides", strides, 1);
    dilationRate = pair("dilation_rate", dilationRate, 1);
    if (outputPadding != null) {
      outputPadding = pair("output_padding", outputPadding, 0);
      for (int a = 0; a < 2; a++) {
        if (outputPadding.get(a) >= strides.get(a)) {
          throw new SpecException("Received an invalid value for `output_padding` of"
              + " Conv2DTranspose, expected values smaller than the strides " + strides
              + ". Received: output_padding=" + outputPadding);
        }
      }
    }
    padding = Shapes.padding("Conv2DTranspose", padding);
    activation = Activations.check(activation);
    kernelInitializer = Initializers.check(kernelInitializer);
    biasInitializer = Initializers.check(biasInitializer);
    dataFormat = Shapes.dataFormat("Conv2DTranspose", dataFormat);
    rules = (rules == null ? WeightRules.NONE : rules)
        .check("Conv2DTranspose", WeightRules.KERNEL_BIAS.keySet());
  }

  private static List<Integer> pair(String key, List<Integer> v, int min) {
    if (v == null || v.size() != 2 || v.stream().anyMatch(d -> d == null || d < min)) {
      throw new SpecException("Received an invalid value for `" + key + "` of Conv2DTranspose,"
          + " expected two " + (min > 0 ? "positive" : "non-negative") + " integers. Received: "
          + key + "=" + v);
    }
    return List.copyOf(v);
  }

  /** @return a 3x3 transposed convolution with these filters and Keras' defaults */
  public static Conv2DTranspose filters(int filters) {
    return new Conv2DTranspose(filters, List.of(3, 3), List.of(1, 1), "valid", null, "linear",
        List.of(1, 1), true, "glorot_uniform", "zeros", "channels_last", WeightRules.NONE);
  }

  /** @return a copy with another kernel size */
  public Conv2DTranspose kernelSize(int height, int width) {
    return new Conv2DTranspose(filters, List.of(height, width), strides, padding, outputPadding,
        activation, dilationRate, useBias, kernelInitializer, biasInitializer, dataFormat, rules);
  }

  /** @return a copy with other strides */
  public Conv2DTranspose strides(int height, int width) {
    return new Conv2DTranspose(filters, kernelSize, List.of(height, width), padding,
        outputPadding, activation, dilationRate, useBias, kernelInitializer, biasInitializer,
        dataFormat, rules);
  }

  /** @return a copy with another padding (valid or same) */
  public Conv2DTranspose padding(String padding) {
    return new Conv2DTranspose(filters, kernelSize, strides, padding, outputPadding, activation,
        dilationRate, useBias, kernelInitializer, biasInitializer, dataFormat, rules);
  }

  /** @return a copy with this output padding (each value smaller than its stride) */
  public Conv2DTranspose outputPadding(int height, int width) {
    return new Conv2DTranspose(filters, kernelSize, strides, padding, List.of(height, width),
        activation, dilationRate, useBias, kernelInitializer, biasInitializer, dataFormat, rules);
  }

  /** @return a copy with another activation */
  public Conv2DTranspose activation(String activation) {
    return new Conv2DTranspose(filters, kernelSize, strides, padding, outputPadding, activation,
        dilationRate, useBias, kernelInitializer, biasInitializer, dataFormat, rules);
  }

  /** @return a copy with another dilation rate */
  public Conv2DTranspose dilationRate(int height, int width) {
    return new Conv2DTranspose(filters, kernelSize, strides, padding, outputPadding, activation,
        List.of(height, width), useBias, kernelInitializer, biasInitializer, dataFormat, rules);
  }

  /** @return a copy with or without a bias */
  public Conv2DTranspose useBias(boolean use) {
    return new Conv2DTranspose(filters, kernelSize, strides, padding, outputPadding, activation,
        dilationRate, use, kernelInitializer, biasInitializer, dataFormat, rules);
  }

  /** @return a copy with another data format (channels_last or channels_first) */
  public Conv2DTranspose dataFormat(String dataFormat) {
    return new Conv2DTranspose(filters, kernelSize, strides, padding, outputPadding, activation,
        dilationRate, useBias, kernelInitializer, biasInitializer, dataFormat, rules);
  }

  /** @return a copy with these regularizers and constraints (see {@link WeightRules}) */
  public Conv2DTranspose rules(WeightRules rules) {
    return new Conv2DTranspose(filters, kernelSize, strides, padding, outputPadding, activation,
        dilationRate, useBias, kernelInitializer, biasInitializer, dataFormat, rules);
  }

  /**
   * Keras' {@code compute_conv_transpose_output_length} along one axis.
   *
   * @param in the input length
   * @param axis 0 (height) or 1 (width)
   * @return the output length
   */
  public int outputLength(int in, int axis) {
    int k = kernelSize.get(axis) + (kernelSize.get(axis) - 1) * (dilationRate.get(axis) - 1);
    int s = strides.get(axis);
    if (outputPadding == null) {
      return "valid".equals(padding) ? in * s + Math.max(k - s, 0) : in * s;
    }
    int pad = "same".equals(padding) ? k / 2 : 0;
    return (in - 1) * s + k - 2 * pad + outputPadding.get(axis);
  }

  @Override
  public String className() {
    return "Conv2DTranspose";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("filters", filters);
    c.put("kernel_size", kernelSize);
    c.put("strides", strides);
    c.put("padding", padding);
    c.put("output_padding", outputPadding);
    c.put("data_format", dataFormat);
    c.put("dilation_rate", dilationRate);
    c.put("activation", activation);
    c.put("use_bias", useBias);
    c.put("kernel_initializer", Initializers.toKeras(kernelInitializer));
    c.put("bias_initializer", Initializers.toKeras(biasInitializer));
    rules.writeTo(c, WeightRules.KERNEL_BIAS);
    return c;
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    return Shapes.inFormat(dataFormat, input, in -> {
      if (in.size() != 3) {
        throw new SpecException(describe() + " needs inputs of shape (height, width, channels),"
            + " but its input has shape " + in + ". Give the network an input shape such as"
            + " inputShape(7, 7, 16), or put a Reshape layer before it.");
      }
      List<Integer> out = new ArrayList<>();
      for (int a = 0; a < 2; a++) {
        int o = outputLength(in.get(a), a);
        if (o <= 0) {
          throw new SpecException(describe() + ": the output would have no rows along axis " + a
              + " for the input " + Shapes.dims(in) + ".");
        }
        out.add(o);
      }
      out.add(filters);
      return List.copyOf(out);
    });
  }

  @Override
  public long paramCount(List<Integer> input) {
    int channels = "channels_first".equals(dataFormat) ? input.get(0)
        : input.get(input.size() - 1);
    return (long) kernelSize.get(0) * kernelSize.get(1) * channels * filters
        + (useBias ? filters : 0);
  }

  String describe() {
    return "Conv2DTranspose(" + filters + ", " + Shapes.dims(kernelSize) + ")";
  }

  /** output_padding: null, one integer for both axes, or two. */
  private static List<Integer> outputPaddingOf(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Number n) {
      return List.of(n.intValue(), n.intValue());
    }
    if (v instanceof List<?> l && l.stream().allMatch(o -> o instanceof Number)) {
      return l.stream().map(o -> ((Number) o).intValue()).toList();
    }
    throw new SpecException("Received an invalid value for `output_padding` of Conv2DTranspose,"
        + " expected null or two non-negative integers. Received: output_padding=" + v);
  }

  /** Reads Keras 2 and 3 configs (Keras 2's aliases Deconvolution2D, Deconv2D too). */
  static Conv2DTranspose read(Config c) {
    Conv2DTranspose v = new Conv2DTranspose(c.requiredInt("filters"),
        c.optInts("kernel_size", 2, null), c.optInts("strides", 2, List.of(1, 1)),
        c.optString("padding", "valid"),
        outputPaddingOf(c.optRaw("output_padding")),
        c.optIdentifier("activation", "linear"), c.optInts("dilation_rate", 2, List.of(1, 1)),
        c.optBoolean("use_bias", true),
        Initializers.read(c, "kernel_initializer", "glorot_uniform"),
        Initializers.read(c, "bias_initializer", "zeros"),
        Keras1.dataFormatOf(c), WeightRules.read(c, WeightRules.KERNEL_BIAS, Map.of()));
    c.only("groups", 1);
    c.finish();
    return v;
  }
}
