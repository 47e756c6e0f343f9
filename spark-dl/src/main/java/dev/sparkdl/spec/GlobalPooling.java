package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' {@code GlobalAveragePooling1D/2D} and {@code GlobalMaxPooling1D/2D}: the mean or the
 * maximum over all spatial positions of channels-last input (or channels-first with {@code
 * data_format='channels_first'}), giving one value per channel.
 *
 * @param kind "Average" or "Max"
 * @param rank 1 (sequences) or 2 (images)
 * @param dataFormat channels_last (default) or channels_first (channels before the spatial axes)
 * @param keepdims whether the pooled spatial axes stay, with size 1 ({@code (1, 1, channels)}),
 *     as Keras' {@code keepdims=True}
 */
public record GlobalPooling(String kind, int rank, String dataFormat, boolean keepdims)
    implements LayerSpec {

  /** A channels-last global pooling. */
  public GlobalPooling(String kind, int rank) {
    this(kind, rank, "channels_last");
  }

  /** A global pooling without keepdims. */
  public GlobalPooling(String kind, int rank, String dataFormat) {
    this(kind, rank, dataFormat, false);
  }

  /** Validates. */
  public GlobalPooling {
    if (!"Max".equals(kind) && !"Average".equals(kind) || rank < 1 || rank > 2) {
      throw new SpecException("GlobalPooling needs kind Max or Average and rank 1 or 2. Received:"
          + " " + kind + ", " + rank);
    }
    dataFormat = Shapes.dataFormat("Global" + kind + "Pooling" + rank + "D", dataFormat);
  }

  /** @return a copy with another data format (channels_last or channels_first) */
  public GlobalPooling dataFormat(String dataFormat) {
    return new GlobalPooling(kind, rank, dataFormat, keepdims);
  }

  /** @return a copy that keeps (true) or drops the pooled axes */
  public GlobalPooling keepdims(boolean keepdims) {
    return new GlobalPooling(kind, rank, dataFormat, keepdims);
  }

  /** @return GlobalAveragePooling2D() */
  public static GlobalPooling average2D() {
    return new GlobalPooling("Average", 2);
  }

  /** @return GlobalMaxPooling2D() */
  public static GlobalPooling max2D() {
    return new GlobalPooling("Max", 2);
  }

  /** @return GlobalAveragePooling1D() */
  public static GlobalPooling average1D() {
    return new GlobalPooling("Average", 1);
  }

  /** @return GlobalMaxPooling1D() */
  public static GlobalPooling max1D() {
    return new GlobalPooling("Max", 1);
  }

  @Override
  public String className() {
    return "Global" + kind + "Pooling" + rank + "D";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    if ("channels_first".equals(dataFormat)) {
      c.put("data_format", dataFormat);
    }
    if (keepdims) {
      c.put("keepdims", true);
    }
    return c;
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    Shapes.requireRank(className(), input, rank + 1,
        "channels_first".equals(dataFormat)
            ? (rank == 2 ? "(channels, height, width)" : "(channels, steps)")
            : (rank == 2 ? "(height, width, channels)" : "(steps, channels)"));
    boolean first = "channels_first".equals(dataFormat);
    int channels = input.get(first ? 0 : rank);
    if (!keepdims) {
      return List.of(channels);
    }
    List<Integer> out = new java.util.ArrayList<>(java.util.Collections.nCopies(rank + 1, 1));
    out.set(first ? 0 : rank, channels);
    return List.copyOf(out);
  }

  static LayerTypes.Reader reader(String kind, int rank) {
    return c -> {
      boolean keep = c.optBoolean("keepdims", false);
      String format = Keras1.dataFormatOf(c);
      c.finish();
      return new GlobalPooling(kind, rank, format, keep);
    };
  }
}
