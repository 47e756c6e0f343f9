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
 * over unmasked steps divided by their number. As in Keras, a sequence with no unmasked step
 * gives 0/0 (NaN).
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
    NDArray mean = x.mul(m).sum(new int[] {1}, keepdims).div(m.sum(new int[] {1}, keepdims));
    return new NDList(mean);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {keepdims ? new Shape(in.get(0), 1, in.get(2))
        : new Shape(in.get(0), in.get(2))};
  }
}
