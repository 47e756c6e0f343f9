package dev.sparkdl.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * Keras' before/after amounts per spatial axis ({@code padding} of ZeroPadding, {@code cropping}
 * of Cropping): an integer, a pair, or (2D) a pair of pairs; kept as {@code (before, after)} per
 * axis, flattened.
 */
final class Spans {
  private Spans() {}

  static List<Integer> check(String owner, String key, int rank, List<Integer> v) {
    if (rank < 1 || rank > 2) {
      throw new SpecException(owner + " needs rank 1 or 2. Received: " + rank);
    }
    if (v == null || v.size() != 2 * rank || v.stream().anyMatch(n -> n == null || n < 0)) {
      throw new SpecException("Received an invalid value for `" + key + "` of " + owner
          + ", expected " + 2 * rank + " integers >= 0 (before and after each spatial axis)."
          + " Received: " + key + "=" + v);
    }
    return List.copyOf(v);
  }

  static String format(String owner, int rank, String f) {
    String v = Shapes.dataFormat(owner, f);
    if (rank == 1 && "channels_first".equals(v)) {
      throw new SpecException(owner + ": data_format='channels_first' is not supported on the"
          + " 1D layer; give (steps, channels) input.");
    }
    return v;
  }

  static List<Integer> requireRank(String owner, int rank, String format, List<Integer> input) {
    Shapes.requireRank(owner, input, rank + 1, "channels_first".equals(format)
        ? "(channels, height, width)"
        : rank == 2 ? "(height, width, channels)" : "(steps, channels)");
    return input;
  }

  /** @return Keras' form: {@code [l, r]} (1D) or {@code [[t, b], [l, r]]} (2D) */
  static Object toKeras(int rank, List<Integer> v) {
    if (rank == 1) {
      return v;
    }
    return List.of(v.subList(0, 2), v.subList(2, 4));
  }

  static List<Integer> read(Config c, String key, int rank, List<Integer> dflt) {
    Object v = c.optRaw(key);
    if (v == null) {
      return dflt;
    }
    List<Integer> out = new ArrayList<>();
    if (isInt(v)) {
      for (int i = 0; i < 2 * rank; i++) {
        out.add(((Number) v).intValue());
      }
    } else if (v instanceof List<?> l && l.size() == 2 && isInt(l.get(0)) && isInt(l.get(1))) {
      if (rank == 1) {
        out.add(((Number) l.get(0)).intValue());
        out.add(((Number) l.get(1)).intValue());
      } else { // symmetric (h, w)
        for (Object o : l) {
          out.add(((Number) o).intValue());
          out.add(((Number) o).intValue());
        }
      }
    } else if (rank == 2 && v instanceof List<?> l && l.size() == 2
        && l.get(0) instanceof List<?> a && l.get(1) instanceof List<?> b && a.size() == 2
        && b.size() == 2 && isInt(a.get(0)) && isInt(a.get(1)) && isInt(b.get(0))
        && isInt(b.get(1))) {
      for (List<?> p : List.of(a, b)) {
        out.add(((Number) p.get(0)).intValue());
        out.add(((Number) p.get(1)).intValue());
      }
    } else {
      String owner = c.owner();
      throw new SpecException("Received an invalid value for `" + key + "` of " + owner
          + ", expected an integer, a pair of integers"
          + (rank == 2 ? " (height, width) or a pair of pairs ((top, bottom), (left, right))"
              : " (left, right)") + ". Received: " + key + "=" + v);
    }
    return out;
  }

  private static boolean isInt(Object o) {
    return o instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue());
  }
}
