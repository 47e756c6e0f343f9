package dev.sparkdl.spec;

import java.util.List;
import java.util.Locale;

/**
 * Sizes refused before anything is allocated: a network or an input that would exhaust memory
 * (or overflow Java's array index) fails with the size named, the limit, and how to change it,
 * instead of growing the JVM until the kernel kills it.
 *
 * <ul>
 *   <li>values per row (the input shape's product) and per layer output: at most {@link
 *       #MAX_ARRAY}, the largest Java array (a Spark vector, a weight array);
 *   <li>parameters: at most {@link #maxParams()}, by default the driver's maximum heap divided by
 *       {@link #BYTES_PER_PARAM} (the driver holds the weights, their averaged sum and the
 *       optimizer's state as 4-byte floats), never more than {@link #MAX_ARRAY}; the JVM system
 *       property {@value #MAX_PARAMS_PROPERTY} sets it explicitly.
 * </ul>
 */
public final class SizeLimits {
  /** The most elements a Java array holds: 2,147,483,639. */
  public static final long MAX_ARRAY = Integer.MAX_VALUE - 8L;
  /** JVM system property that sets the parameter limit ({@code -Dsparkdl.maxParams=N}). */
  public static final String MAX_PARAMS_PROPERTY = "sparkdl.maxParams";
  /**
   * Driver memory per parameter: weights, the round's averaged sum and two optimizer slots
   * (Adam), 4 bytes each.
   */
  public static final int BYTES_PER_PARAM = 16;

  private SizeLimits() {}

  /** @return the most parameters a network may have in this JVM */
  public static long maxParams() {
    String p = System.getProperty(MAX_PARAMS_PROPERTY);
    if (p != null) {
      try {
        long v = Long.parseLong(p.trim().replace("_", ""));
        if (v > 0) {
          return Math.min(v, MAX_ARRAY);
        }
      } catch (NumberFormatException e) {
        // falls through to the message below
      }
      throw new SpecException("-D" + MAX_PARAMS_PROPERTY + " must be a positive integer (a"
          + " parameter count such as 500000000); got \"" + p + "\".");
    }
    return Math.min(MAX_ARRAY, Runtime.getRuntime().maxMemory() / BYTES_PER_PARAM);
  }

  /**
   * Checks the values per row of an input shape.
   *
   * @throws SpecException naming the shape, its size and the limit
   */
  public static void checkInput(List<Integer> shape) {
    long values = product(shape);
    if (values > MAX_ARRAY) {
      throw new SpecException(String.format(Locale.ROOT, "The input shape %s holds %,d values"
          + " per row; a row (a Spark vector or array, a Java array) holds at most %,d. Use a"
          + " smaller input shape: fewer features, downsampled images or shorter sequences.",
          shape, values, MAX_ARRAY));
    }
  }

  /**
   * Checks a network whose input shape is set: the input, every layer's output and the
   * parameter count.
   *
   * @throws SpecException naming the size, the layer, the limit and how to change it
   */
  public static void check(Sequential network) {
    List<Integer> shape = network.inputShape();
    if (shape == null) {
      return;
    }
    checkInput(shape);
    long total = 0;
    long largest = -1;
    LayerSpec largestLayer = null;
    List<Integer> s = shape;
    for (LayerSpec l : network.layers()) {
      long params = l.paramCount(s);
      total += params;
      if (params > largest) {
        largest = params;
        largestLayer = l;
      }
      s = l.outputShape(s);
      long values = product(s);
      if (values > MAX_ARRAY) {
        throw new SpecException(String.format(Locale.ROOT, "Layer %s outputs %s: %,d values per"
            + " row, more than a Java array holds (%,d). Make the layer smaller.",
            OutputHead.describe(l), s, values, MAX_ARRAY));
      }
    }
    long max = maxParams();
    if (total > max) {
      String limit = System.getProperty(MAX_PARAMS_PROPERTY) != null
          ? "set by -D" + MAX_PARAMS_PROPERTY
          : max == MAX_ARRAY ? "the largest Java array"
          : String.format(Locale.ROOT, "the driver's heap of %s / %d bytes a parameter",
              bytes(Runtime.getRuntime().maxMemory()), BYTES_PER_PARAM);
      throw new SpecException(String.format(Locale.ROOT, "The network has %,d parameters (%s"
          + " alone has %,d); training needs about %s of driver memory (%d bytes a parameter:"
          + " weights, their average and the optimizer's state), but the limit is %,d"
          + " parameters (%s). Make the layers smaller; or, for a network this large, give the"
          + " driver more memory (SPARKDL_HEAP=32g for bin/spark-dl, --driver-memory for"
          + " spark-submit) or set -D%s=N (at most %,d).", total,
          OutputHead.describe(largestLayer), largest, bytes(total * BYTES_PER_PARAM),
          BYTES_PER_PARAM, max, limit, MAX_PARAMS_PROPERTY, MAX_ARRAY));
    }
  }

  private static long product(List<Integer> shape) {
    long n = 1;
    for (int d : shape) {
      try {
        n = Math.multiplyExact(n, (long) d);
      } catch (ArithmeticException e) {
        return Long.MAX_VALUE;
      }
    }
    return n;
  }

  private static String bytes(long b) {
    double gb = b / (1024.0 * 1024 * 1024);
    return gb >= 1 ? String.format(Locale.ROOT, "%.0f GB", Math.ceil(gb))
        : String.format(Locale.ROOT, "%.0f MB", Math.ceil(b / (1024.0 * 1024)));
  }
}
