package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' {@code SpatialDropout1D} and {@code SpatialDropout2D}: while training, whole channels
 * (feature maps) of each sample are zeroed with probability {@code rate} and the others scaled by
 * {@code 1 / (1 - rate)}; the identity at inference. Input {@code (steps, channels)} or {@code
 * (height, width, channels)} ({@code (channels, height, width)} with {@code
 * data_format='channels_first'}, 2D only). Masks come from the run's seed.
 *
 * @param rank 1 or 2
 * @param rate the fraction of channels dropped, in [0, 1)
 * @param dataFormat channels_last (default) or channels_first (2D only)
 */
public record SpatialDropout(int rank, double rate, String dataFormat) implements NoiseLayer {

  /** Validates. */
  public SpatialDropout {
    rate = NoiseLayer.rate(ZeroPadding.className(rank, "SpatialDropout"), rate);
    if (rank < 1 || rank > 2) {
      throw new SpecException("SpatialDropout needs rank 1 or 2. Received: " + rank);
    }
    dataFormat = Spans.format(ZeroPadding.className(rank, "SpatialDropout"), rank, dataFormat);
  }

  /** @return {@code SpatialDropout1D(rate)} */
  public static SpatialDropout of1D(double rate) {
    return new SpatialDropout(1, rate, "channels_last");
  }

  /** @return {@code SpatialDropout2D(rate)} */
  public static SpatialDropout of2D(double rate) {
    return new SpatialDropout(2, rate, "channels_last");
  }

  /** @return a copy with another data format (2D: channels_last or channels_first) */
  public SpatialDropout dataFormat(String format) {
    return new SpatialDropout(rank, rate, format);
  }

  @Override
  public String className() {
    return ZeroPadding.className(rank, "SpatialDropout");
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("rate", rate);
    if ("channels_first".equals(dataFormat)) {
      c.put("data_format", dataFormat);
    }
    return c;
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    return Spans.requireRank(className(), rank, dataFormat, input);
  }

  static LayerTypes.Reader reader(int rank) {
    return c -> {
      double rate = NoiseLayer.readRate(c);
      String format = rank == 2 ? Keras1.dataFormatOf(c) : "channels_last";
      c.finish();
      return new SpatialDropout(rank, rate, format);
    };
  }
}
