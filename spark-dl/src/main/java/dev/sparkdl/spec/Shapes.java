package dev.sparkdl.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Keras' output-size arithmetic for convolutions and pooling, and shape checks. */
public final class Shapes {
  static final List<String> PADDINGS = List.of("valid", "same");

  private Shapes() {}

  static String padding(String owner, String p) {
    String v = p == null ? "valid" : p.toLowerCase(Locale.ROOT);
    if (!PADDINGS.contains(v)) {
      throw new SpecException(
          "Received an invalid value for `padding` of " + owner + ", expected one of valid, same."
              + " Received: padding=" + p);
    }
    return v;
  }

  /** Output length along one axis. */
  static int out(int in, int kernel, int stride, int dilation, String padding) {
    if ("same".equals(padding)) {
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
