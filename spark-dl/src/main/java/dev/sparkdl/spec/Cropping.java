package dev.sparkdl.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' {@code Cropping1D} and {@code Cropping2D}: values removed before and after the spatial
 * axes of {@code (steps, channels)} or {@code (height, width, channels)} input ({@code (channels,
 * height, width)} with {@code data_format='channels_first'}, 2D only).
 *
 * @param rank 1 or 2
 * @param cropping {@code (left, right)} or {@code (top, bottom, left, right)}, each &gt;= 0
 * @param dataFormat channels_last (default) or channels_first (2D only)
 */
public record Cropping(int rank, List<Integer> cropping, String dataFormat) implements LayerSpec {

  /** Validates. */
  public Cropping {
    cropping = Spans.check(ZeroPadding.className(rank, "Cropping"), "cropping", rank, cropping);
    dataFormat = Spans.format(ZeroPadding.className(rank, "Cropping"), rank, dataFormat);
  }

  /** @return {@code Cropping1D((left, right))} */
  public static Cropping of1D(int left, int right) {
    return new Cropping(1, List.of(left, right), "channels_last");
  }

  /** @return {@code Cropping2D((h, w))}: h rows from top and bottom, w columns from each side */
  public static Cropping of2D(int h, int w) {
    return new Cropping(2, List.of(h, h, w, w), "channels_last");
  }

  /** @return {@code Cropping2D(((top, bottom), (left, right)))} */
  public static Cropping of2D(int top, int bottom, int left, int right) {
    return new Cropping(2, List.of(top, bottom, left, right), "channels_last");
  }

  /** @return a copy with another data format (2D: channels_last or channels_first) */
  public Cropping dataFormat(String format) {
    return new Cropping(rank, cropping, format);
  }

  @Override
  public String className() {
    return ZeroPadding.className(rank, "Cropping");
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("cropping", Spans.toKeras(rank, cropping));
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
            int n = in.get(a) - cropping.get(2 * a) - cropping.get(2 * a + 1);
            if (n <= 0) {
              throw new SpecException(className() + ": cropping=" + Spans.toKeras(rank, cropping)
                  + " removes all of axis " + (a + 1) + " (size " + in.get(a) + ") of its input "
                  + input + ". Crop less.");
            }
            out.set(a, n);
          }
          return List.copyOf(out);
        });
  }

  static LayerTypes.Reader reader(int rank) {
    return c -> {
      List<Integer> p = Spans.read(c, "cropping", rank, rank == 1 ? List.of(1, 1)
          : List.of(0, 0, 0, 0));
      String format = rank == 2 ? Keras1.dataFormatOf(c) : "channels_last";
      c.finish();
      return new Cropping(rank, p, format);
    };
  }
}
