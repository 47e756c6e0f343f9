package dev.sparkdl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.sparkdl.spec.AlphaDropout;
import dev.sparkdl.spec.GaussianDropout;
import dev.sparkdl.spec.GaussianNoise;
import dev.sparkdl.spec.NoiseLayer;
import dev.sparkdl.spec.SpatialDropout;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Keras' training-only noise layers with their randomness drawn in Java from the network's
 * seeded generator (as {@link DropoutBlock}), so training is reproducible: SpatialDropout1D/2D
 * (one keep-or-drop per sample and channel, survivors scaled by {@code 1/(1-rate)}),
 * GaussianNoise ({@code x + N(0, stddev²)}), GaussianDropout ({@code x · N(1, rate/(1-rate))}),
 * AlphaDropout ({@code a·(x·kept + α'·(1-kept)) + b}). The identity at inference (unless Monte
 * Carlo sampling is on, as for Dropout). Shape: any, unchanged.
 */
final class NoiseBlock extends AbstractBlock {
  private static final byte VERSION = 1;
  /** SELU's constants, as Keras' AlphaDropout uses them. */
  static final double SELU_ALPHA = 1.6732632423543772848170429916717;
  static final double SELU_SCALE = 1.0507009873554804934193349852946;

  private final NoiseLayer layer;
  private final Supplier<SplittableRandom> random;
  private final BooleanSupplier sampling;
  private final Staging factors = new Staging();
  private final Staging offsets = new Staging();

  NoiseBlock(NoiseLayer layer, Supplier<SplittableRandom> random, BooleanSupplier sampling) {
    super(VERSION);
    this.layer = layer;
    this.random = random;
    this.sampling = sampling;
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    if (!training && !sampling.getAsBoolean()) {
      return inputs;
    }
    NDArray x = inputs.singletonOrThrow();
    SplittableRandom rnd = random.get();
    if (layer instanceof SpatialDropout s) {
      if (s.rate() == 0) {
        return inputs;
      }
      // one draw per (sample, channel), broadcast over the spatial axes
      long[] dims = x.getShape().getShape();
      boolean first = "channels_first".equals(s.dataFormat());
      int channelAxis = first ? 1 : dims.length - 1;
      long[] maskDims = new long[dims.length];
      java.util.Arrays.fill(maskDims, 1);
      maskDims[0] = dims[0];
      maskDims[channelAxis] = dims[channelAxis];
      Shape maskShape = new Shape(maskDims);
      int n = Math.toIntExact(maskShape.size());
      float[] mask = new float[n];
      float keep = (float) (1 / (1 - s.rate()));
      for (int i = 0; i < n; i++) {
        mask[i] = rnd.nextFloat() >= s.rate() ? keep : 0f;
      }
      return new NDList(x.mul(factors.array(x.getManager(), mask, maskShape)));
    }
    int n = Math.toIntExact(x.size());
    if (layer instanceof GaussianNoise g) {
      float[] noise = new float[n];
      for (int i = 0; i < n; i++) {
        noise[i] = (float) (g.stddev() * rnd.nextGaussian());
      }
      return new NDList(x.add(offsets.array(x.getManager(), noise, x.getShape())));
    }
    if (layer instanceof GaussianDropout g) {
      if (g.rate() == 0) {
        return inputs;
      }
      double stddev = Math.sqrt(g.rate() / (1 - g.rate()));
      float[] noise = new float[n];
      for (int i = 0; i < n; i++) {
        noise[i] = (float) (1 + stddev * rnd.nextGaussian());
      }
      return new NDList(x.mul(factors.array(x.getManager(), noise, x.getShape())));
    }
    AlphaDropout a = (AlphaDropout) layer;
    if (a.rate() == 0) {
      return inputs;
    }
    double rate = a.rate();
    double alphaP = -SELU_ALPHA * SELU_SCALE;
    double scale = Math.pow((1 - rate) * (1 + rate * alphaP * alphaP), -0.5);
    double shift = -scale * alphaP * rate;
    // a·(x·kept + α'·(1 - kept)) + b = x·(a·kept) + (a·α'·(1 - kept) + b)
    float[] mul = new float[n];
    float[] add = new float[n];
    for (int i = 0; i < n; i++) {
      boolean kept = rnd.nextFloat() >= rate;
      mul[i] = kept ? (float) scale : 0f;
      add[i] = (float) (kept ? shift : scale * alphaP + shift);
    }
    return new NDList(x.mul(factors.array(x.getManager(), mul, x.getShape()))
        .add(offsets.array(x.getManager(), add, x.getShape())));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
