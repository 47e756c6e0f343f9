package dev.sparkdl.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Keras' output-size arithmetic for convolutions and pooling, and shape checks. */
public final class Shapes {
  static final List<String> PADDINGS = List.of("valid", "same");

  private Shapes() {}

  static String padding(String owner, String p) {
    return padding(owner, p, PADDINGS);
  }

  /** Conv1D's paddings: valid, same, or causal (left-padded, Keras' Conv1D only). */
  static String padding(String owner, String p, List<String> allowed) {
    String v = p == null ? "valid" : p.toLowerCase(Locale.ROOT);
    if (!allowed.contains(v)) {
      throw new SpecException(
          "Received an invalid value for `padding` of " + owner + ", expected one of "
              + String.join(", ", allowed) + ". Received: padding=" + p);
    }
    return v;
  }

  /** Output length along one axis. */
  static int out(int in, int kernel, int stride, int dilation, String padding) {
    if ("same".equals(padding) || "causal".equals(padding)) {
      // causal: (kernel - 1) * dilation zeros on the left, then valid -> ceil(in / stride)
      return (in + stride - 1) / stride;
    }
    int span = dilation * (kernel - 1) + 1;
    return in < span ? 0 : (in - span) / stride + 1;
  }

  /**
   * Keras' (TensorFlow's) 'same' padding along one axis, which may put one more row after than
   * before.
   *
   * @return {before, after}
   */
  public static int[] samePadding(int in, int kernel, int stride, int dilation) {
    int out = (in + stride - 1) / stride;
    int total = Math.max((out - 1) * stride + dilation * (kernel - 1) + 1 - in, 0);
    return new int[] {total / 2, total - total / 2};
  }

  /**
   * Spatial output shape of a convolution or pooling over channels-last input.
   *
   * @param owner e.g. "Conv2D(32, 3x3)", for messages
   * @param input (spatial..., channels)
   * @param channels output channels
   */
  static List<Integer> spatial(String owner, String what, List<Integer> input, List<Integer> kernel,
      List<Integer> strides, List<Integer> dilation, String padding, int channels) {
    int rank = kernel.size();
    if (input.size() != rank + 1) {
      String wanted = rank == 2 ? "(height, width, channels)" : "(steps, channels)";
      String example = rank == 2 ? "inputShape(28, 28, 1)" : "inputShape(100, 1)";
      throw new SpecException(owner + " needs inputs of shape " + wanted + ", but its input has"
          + " shape " + input + ". Give the network an input shape such as " + example
          + " (a flat vector column is reshaped to it), or put a Reshape layer before it.");
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < rank; i++) {
      int o = out(input.get(i), kernel.get(i), strides.get(i), dilation.get(i), padding);
      if (o <= 0) {
        throw new SpecException(owner + ": the " + what + " " + dims(kernel)
            + (dilation.stream().anyMatch(d -> d > 1) ? " (dilation " + dims(dilation) + ")" : "")
            + " does not fit the input " + dims(input) + " with padding='" + padding
            + "'. Use padding='same', a smaller " + what + ", or a larger input.");
      }
      out.add(o);
    }
    out.add(channels);
    return List.copyOf(out);
  }

  /** Keras' data formats of convolution and pooling layers. */
  static String dataFormat(String owner, String f) {
    String v = f == null ? "channels_last" : f;
    if (!"channels_last".equals(v) && !"channels_first".equals(v)) {
      throw new SpecException("Received an invalid value for `data_format` of " + owner
          + ", expected channels_last or channels_first. Received: data_format=" + f);
    }
    return v;
  }

  /** (channels, spatial...) to (spatial..., channels). */
  public static List<Integer> channelsLast(List<Integer> shape) {
    if (shape.isEmpty()) {
      return shape;
    }
    List<Integer> out = new ArrayList<>(shape.subList(1, shape.size()));
    out.add(shape.get(0));
    return List.copyOf(out);
  }

  /** (spatial..., channels) to (channels, spatial...). */
  public static List<Integer> channelsFirst(List<Integer> shape) {
    if (shape.isEmpty()) {
      return shape;
    }
    List<Integer> out = new ArrayList<>();
    out.add(shape.get(shape.size() - 1));
    out.addAll(shape.subList(0, shape.size() - 1));
    return List.copyOf(out);
  }

  /** A channels-last output shape computed on {@code input} given in {@code format}. */
  static List<Integer> inFormat(String format, List<Integer> input,
      java.util.function.Function<List<Integer>, List<Integer>> channelsLastRule) {
    if (!"channels_first".equals(format)) {
      return channelsLastRule.apply(input);
    }
    return channelsFirst(channelsLastRule.apply(channelsLast(input)));
  }

  static String dims(List<Integer> d) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < d.size(); i++) {
      s.append(i == 0 ? "" : "x").append(d.get(i));
    }
    return s.toString();
  }

  static void requireRank(String owner, List<Integer> input, int rank, String wanted) {
    if (input.size() != rank) {
      throw new SpecException(owner + " needs inputs of shape " + wanted + ", but its input has"
          + " shape " + input + ".");
    }
  }

  static long product(List<Integer> shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }
}
