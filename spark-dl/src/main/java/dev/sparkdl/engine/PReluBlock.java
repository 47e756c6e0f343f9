package dev.sparkdl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;

/**
 * Keras' PReLU: {@code max(x, 0) + alpha * min(x, 0)} with a learned {@code alpha} of Keras'
 * shape (the sample's, 1 along shared axes), broadcast over the batch. Shape: any, unchanged.
 */
final class PReluBlock extends AbstractBlock {
  private static final byte VERSION = 1;
  private final Parameter alpha;

  /** @param alphaShape Keras' shape of alpha (the sample's shape, 1 along shared axes) */
  PReluBlock(List<Integer> alphaShape) {
    super(VERSION);
    long[] dims = alphaShape.stream().mapToLong(Integer::longValue).toArray();
    this.alpha = addParameter(Parameter.builder().setName("alpha")
        .setType(Parameter.Type.WEIGHT).optShape(new Shape(dims)).build());
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray a = store.getValue(alpha, x.getDevice(), training);
    return new NDList(x.maximum(0f).add(a.mul(x.minimum(0f))));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
