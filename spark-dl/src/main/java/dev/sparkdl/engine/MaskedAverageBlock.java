package dev.sparkdl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Keras' {@code GlobalAveragePooling1D} over a masked sequence: {@code (batch, steps, channels)}
 * to {@code (batch, channels)} (or {@code (batch, 1, channels)} with {@code keepdims}), the sum
 * over unmasked steps divided by their number. A sequence with no unmasked step (an empty text)
 * averages to 0: Keras divides 0 by 0 there and returns NaN, which spark-dl never hands out
 * silently.
 */
final class MaskedAverageBlock extends AbstractBlock {
  private static final byte VERSION = 1;
  private final SequenceMask mask;
  private final boolean keepdims;

  MaskedAverageBlock(SequenceMask mask, boolean keepdims) {
    super(VERSION);
    this.mask = mask;
    this.keepdims = keepdims;
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray m = mask.get().expandDims(2); // (batch, steps, 1)
    NDArray count = m.sum(new int[] {1}, keepdims).maximum(1f);
    NDArray mean = x.mul(m).sum(new int[] {1}, keepdims).div(count);
    return new NDList(mean);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {keepdims ? new Shape(in.get(0), 1, in.get(2))
        : new Shape(in.get(0), in.get(2))};
  }
}
