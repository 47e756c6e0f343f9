package dev.sparkdl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Keras' inverted dropout with masks drawn in Java from the network's own seeded generator, so a
 * training run is reproducible even when several tasks train in one JVM (PyTorch's dropout draws
 * from one process-wide generator). Shape: any, unchanged.
 */
final class DropoutBlock extends AbstractBlock {
  private static final byte VERSION = 1;
  private final float rate;
  private final Supplier<SplittableRandom> random;
  private final BooleanSupplier sampling;
  /** The masks reach PyTorch through one buffer (a mask lives until its step ends). */
  private final Staging masks = new Staging();

  /**
   * @param rate the fraction dropped
   * @param random the network's mask generator
   * @param sampling whether masks are drawn in inference too (Monte Carlo dropout)
   */
  DropoutBlock(float rate, Supplier<SplittableRandom> random, BooleanSupplier sampling) {
    super(VERSION);
    this.rate = rate;
    this.random = random;
    this.sampling = sampling;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    if (!training && !sampling.getAsBoolean() || rate == 0f) {
      return inputs;
    }
    NDArray x = inputs.singletonOrThrow();
    int n = Math.toIntExact(x.size());
    float[] mask = new float[n];
    float keep = 1f / (1f - rate);
    SplittableRandom rnd = random.get();
    for (int i = 0; i < n; i++) {
      if (rnd.nextFloat() >= rate) {
        mask[i] = keep;
      }
    }
    NDArray m = masks.array(x.getManager(), mask, x.getShape());
    return new NDList(x.mul(m));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
