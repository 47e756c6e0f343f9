package dev.sparkdl.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' {@code ZeroPadding1D} and {@code ZeroPadding2D}: zeros added before and after the
 * spatial axes of {@code (steps, channels)} or {@code (height, width, channels)} input ({@code
 * (channels, height, width)} with {@code data_format='channels_first'}, 2D only).
 *
 * @param rank 1 or 2
 * @param padding {@code (left, right)} or {@code (top, bottom, left, right)}, each &gt;= 0
 * @param dataFormat channels_last (default) or channels_first (2D only)
 */
public record ZeroPadding(int rank, List<Integer> padding, String dataFormat)
    implements LayerSpec {

  /** Validates. */
  public ZeroPadding {
    padding = Spans.check(className(rank, "ZeroPadding"), "padding", rank, padding);
    dataFormat = Spans.format(className(rank, "ZeroPadding"), rank, dataFormat);
  }

  /** @return {@code ZeroPadding1D(n)}: n zeros before and after the steps */
  public static ZeroPadding of1D(int n) {
    return new ZeroPadding(1, List.of(n, n), "channels_last");
  }

  /** @return {@code ZeroPadding1D((left, right))} */
  public static ZeroPadding of1D(int left, int right) {
    return new ZeroPadding(1, List.of(left, right), "channels_last");
  }

  /** @return {@code ZeroPadding2D((h, w))}: h rows above and below, w columns left and right */
  public static ZeroPadding of2D(int h, int w) {
    return new ZeroPadding(2, List.of(h, h, w, w), "channels_last");
  }

  /** @return {@code ZeroPadding2D(((top, bottom), (left, right)))} */
  public static ZeroPadding of2D(int top, int bottom, int left, int right) {
    return new ZeroPadding(2, List.of(top, bottom, left, right), "channels_last");
  }

  /** @return a copy with another data format (2D: channels_last or channels_first) */
  public ZeroPadding dataFormat(String format) {
    return new ZeroPadding(rank, padding, format);
  }

  static String className(int rank, String base) {
    return base + rank + "D";
  }

  @Override
  public String className() {
    return className(rank, "ZeroPadding");
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("padding", Spans.toKeras(rank, padding));
    if ("channels_first".equals(dataFormat)) {
      c.put("data_format", dataFormat);
    }
    return c;
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    return Shapes.inFormat(dataFormat, Spans.requireRank(className(), rank, dataFormat, input),
        in -> {
          List<Integer> out = new ArrayList<>(in);
          for (int a = 0; a < rank; a++) {
            out.set(a, in.get(a) + padding.get(2 * a) + padding.get(2 * a + 1));
          }
          return List.copyOf(out);
        });
  }

  static LayerTypes.Reader reader(int rank) {
    return c -> {
      List<Integer> p = Spans.read(c, "padding", rank, rank == 1 ? List.of(1, 1)
          : List.of(1, 1, 1, 1));
      String format = rank == 2 ? Keras1.dataFormatOf(c) : "channels_last";
      c.finish();
      return new ZeroPadding(rank, p, format);
    };
  }
}
