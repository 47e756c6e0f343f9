package dev.sparkdl.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' {@code MaxPooling1D}, {@code MaxPooling2D}, {@code AveragePooling1D} and {@code
 * AveragePooling2D} over channels-last input (or channels-first with {@code
 * data_format='channels_first'}): a window of {@code pool_size} moved by {@code
 * strides} (default: the pool size); {@code same} padding keeps {@code ceil(size / stride)}
 * positions and averages only over real values, as Keras does.
 *
 * <pre>{@code Pooling.max2D(2, 2)    // MaxPooling2D(pool_size=(2, 2))}</pre>
 *
 * @param kind "Max" or "Average"
 * @param poolSize the window, one value per spatial axis (1 or 2 of them)
 * @param strides the steps, one per spatial axis
 * @param padding valid or same
 * @param dataFormat channels_last (default) or channels_first (channels before the spatial axes)
 */
public record Pooling(String kind, List<Integer> poolSize, List<Integer> strides, String padding,
    String dataFormat)
    implements LayerSpec {

  /** A channels-last pooling. */
  public Pooling(String kind, List<Integer> poolSize, List<Integer> strides, String padding) {
    this(kind, poolSize, strides, padding, "channels_last");
  }

  /** Validates. */
  public Pooling {
    if (!"Max".equals(kind) && !"Average".equals(kind)) {
      throw new SpecException("Pooling kind must be Max or Average. Received: " + kind);
    }
    if (poolSize == null || poolSize.isEmpty() || poolSize.size() > 2
        || poolSize.stream().anyMatch(d -> d == null || d <= 0)) {
      throw new SpecException("Received an invalid value for `pool_size` of " + kind
          + "Pooling, expected 1 or 2 positive integers. Received: pool_size=" + poolSize);
    }
    poolSize = List.copyOf(poolSize);
    strides = strides == null ? poolSize : List.copyOf(strides);
    if (strides.size() != poolSize.size() || strides.stream().anyMatch(d -> d <= 0)) {
      throw new SpecException("Received an invalid value for `strides` of " + kind + "Pooling"
          + poolSize.size() + "D, expected " + poolSize.size() + " positive integers. Received:"
          + " strides=" + strides);
    }
    padding = Shapes.padding(kind + "Pooling" + poolSize.size() + "D", padding);
    dataFormat = Shapes.dataFormat(kind + "Pooling" + poolSize.size() + "D", dataFormat);
  }

  /** @return MaxPooling2D(pool_size=(height, width)) */
  public static Pooling max2D(int height, int width) {
    return new Pooling("Max", List.of(height, width), null, "valid");
  }

  /** @return AveragePooling2D(pool_size=(height, width)) */
  public static Pooling average2D(int height, int width) {
    return new Pooling("Average", List.of(height, width), null, "valid");
  }

  /** @return MaxPooling1D(pool_size=size) */
  public static Pooling max1D(int size) {
    return new Pooling("Max", List.of(size), null, "valid");
  }

  /** @return AveragePooling1D(pool_size=size) */
  public static Pooling average1D(int size) {
    return new Pooling("Average", List.of(size), null, "valid");
  }

  /** @return a copy with other strides */
  public Pooling strides(Integer... strides) {
    return new Pooling(kind, poolSize, List.of(strides), padding, dataFormat);
  }

  /** @return a copy with another padding */
  public Pooling padding(String padding) {
    return new Pooling(kind, poolSize, strides, padding, dataFormat);
  }

  /** @return a copy with another data format (channels_last or channels_first) */
  public Pooling dataFormat(String dataFormat) {
    return new Pooling(kind, poolSize, strides, padding, dataFormat);
  }

  /** @return 1 or 2 */
  public int rank() {
    return poolSize.size();
  }

  @Override
  public String className() {
    return kind + "Pooling" + rank() + "D";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("pool_size", poolSize);
    c.put("strides", strides);
    c.put("padding", padding);
    if ("channels_first".equals(dataFormat)) {
      c.put("data_format", dataFormat);
    }
    return c;
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    return Shapes.inFormat(dataFormat, input, in -> Shapes.spatial(className() + "("
        + Shapes.dims(poolSize) + ")", "pool", in, poolSize, strides,
        Collections.nCopies(rank(), 1), padding, in.isEmpty() ? 0 : in.get(in.size() - 1)));
  }

  static LayerTypes.Reader reader(String kind, int rank) {
    return c -> {
      // Keras 1: pool_length and stride (1-D), border_mode
      String poolKey = rank == 1 && c.has("pool_length") ? "pool_length" : "pool_size";
      String strideKey = rank == 1 && c.has("stride") ? "stride" : "strides";
      List<Integer> pool = c.optInts(poolKey, rank, Collections.nCopies(rank, 2));
      List<Integer> strides = c.optRaw(strideKey) != null ? c.optInts(strideKey, rank, null) : null;
      Pooling p = new Pooling(kind, pool, strides,
          c.optString(c.has("border_mode") ? "border_mode" : "padding", "valid"),
          Keras1.dataFormatOf(c));
      c.finish();
      return p;
    };
  }
}
