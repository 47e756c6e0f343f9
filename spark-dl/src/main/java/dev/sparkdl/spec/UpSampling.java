package dev.sparkdl.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' {@code UpSampling1D} and {@code UpSampling2D}: each spatial axis of {@code (steps,
 * channels)} or {@code (height, width, channels)} input ({@code (channels, height, width)} with
 * {@code data_format='channels_first'}, 2D only) grows by an integer factor. {@code nearest}
 * repeats each value; {@code bilinear} (2D) interpolates as Keras 3's {@code ops.image.resize}
 * (half-pixel centres, no antialiasing: the source coordinate of output {@code i} is {@code (i +
 * 0.5) / size - 0.5}, clamped to the input).
 *
 * @param rank 1 or 2
 * @param size the factor per spatial axis, each &gt;= 1
 * @param interpolation nearest (default) or bilinear (2D)
 * @param dataFormat channels_last (default) or channels_first (2D only)
 */
public record UpSampling(int rank, List<Integer> size, String interpolation, String dataFormat)
    implements LayerSpec {

  /** Validates. */
  public UpSampling {
    String owner = ZeroPadding.className(rank, "UpSampling");
    if (rank < 1 || rank > 2) {
      throw new SpecException("UpSampling needs rank 1 or 2. Received: " + rank);
    }
    if (size == null || size.size() != rank || size.stream().anyMatch(n -> n == null || n < 1)) {
      throw new SpecException("Received an invalid value for `size` of " + owner + ", expected "
          + (rank == 1 ? "a positive integer" : "two positive integers") + ". Received: size="
          + size);
    }
    size = List.copyOf(size);
    if (!"nearest".equals(interpolation) && !(rank == 2 && "bilinear".equals(interpolation))) {
      throw new SpecException("Received an invalid value for `interpolation` of " + owner
          + ", expected " + (rank == 2 ? "nearest or bilinear" : "nearest")
          + ". Received: interpolation=" + interpolation);
    }
    dataFormat = Spans.format(owner, rank, dataFormat);
  }

  /** @return {@code UpSampling1D(size)} */
  public static UpSampling of1D(int size) {
    return new UpSampling(1, List.of(size), "nearest", "channels_last");
  }

  /** @return {@code UpSampling2D((h, w))}, nearest */
  public static UpSampling of2D(int h, int w) {
    return new UpSampling(2, List.of(h, w), "nearest", "channels_last");
  }

  /** @return a copy with another interpolation (nearest, or bilinear on the 2D layer) */
  public UpSampling interpolation(String interpolation) {
    return new UpSampling(rank, size, interpolation, dataFormat);
  }

  /** @return a copy with another data format (2D: channels_last or channels_first) */
  public UpSampling dataFormat(String format) {
    return new UpSampling(rank, size, interpolation, format);
  }

  @Override
  public String className() {
    return ZeroPadding.className(rank, "UpSampling");
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("size", rank == 1 ? size.get(0) : size);
    if (rank == 2) {
      if ("channels_first".equals(dataFormat)) {
        c.put("data_format", dataFormat);
      }
      c.put("interpolation", interpolation);
    }
    return c;
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    return Shapes.inFormat(dataFormat, Spans.requireRank(className(), rank, dataFormat, input),
        in -> {
          List<Integer> out = new ArrayList<>(in);
          for (int a = 0; a < rank; a++) {
            out.set(a, in.get(a) * size.get(a));
          }
          return List.copyOf(out);
        });
  }

  static LayerTypes.Reader reader(int rank) {
    return c -> {
      // Keras 1 spelled UpSampling1D's factor `length`
      String key = rank == 1 && c.has("length") ? "length" : "size";
      List<Integer> size = c.optInts(key, rank, java.util.Collections.nCopies(rank, 2));
      String interpolation = "nearest";
      String format = "channels_last";
      if (rank == 2) {
        interpolation = c.optString("interpolation", "nearest");
        format = Keras1.dataFormatOf(c);
      }
      c.finish();
      return new UpSampling(rank, size, interpolation, format);
    };
  }
}
