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
 * Keras 3's LayerNormalization: per sample, {@code (x - mean) / sqrt(var + epsilon) * gamma +
 * beta} over the given axes, with the biased variance; the same in training and inference.
 * {@code gamma} and {@code beta} have Keras' shape (the sizes of the normalised axes) and are
 * reshaped to broadcast. Shape: any, unchanged.
 */
final class LayerNormBlock extends AbstractBlock {
  private static final byte VERSION = 1;
  private final int[] axes;
  private final float epsilon;
  private final Shape broadcast;
  private final Parameter gamma;
  private final Parameter beta;

  /**
   * @param sampleShape the sample's shape
   * @param sampleAxes the normalised axes of the sample (from 0), increasing
   * @param epsilon added to the variance
   * @param scale whether gamma is learned
   * @param center whether beta is learned
   */
  LayerNormBlock(List<Integer> sampleShape, int[] sampleAxes, float epsilon, boolean scale,
      boolean center) {
    super(VERSION);
    this.epsilon = epsilon;
    this.axes = new int[sampleAxes.length];
    long[] b = new long[sampleShape.size() + 1];
    java.util.Arrays.fill(b, 1);
    long[] own = new long[sampleAxes.length];
    for (int i = 0; i < sampleAxes.length; i++) {
      axes[i] = sampleAxes[i] + 1;
      b[axes[i]] = sampleShape.get(sampleAxes[i]);
      own[i] = b[axes[i]];
    }
    this.broadcast = new Shape(b);
    // Keras adds gamma, then beta: get_weights() order
    this.gamma = scale ? addParameter(Parameter.builder().setName("gamma")
        .setType(Parameter.Type.GAMMA).optShape(new Shape(own)).build()) : null;
    this.beta = center ? addParameter(Parameter.builder().setName("beta")
        .setType(Parameter.Type.BETA).optShape(new Shape(own)).build()) : null;
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray mean = meanOver(x);
    NDArray centered = x.sub(mean);
    NDArray variance = meanOver(centered.square());
    NDArray y = centered.div(variance.add(epsilon).sqrt());
    if (gamma != null) {
      y = y.mul(store.getValue(gamma, x.getDevice(), training).reshape(broadcast));
    }
    if (beta != null) {
      y = y.add(store.getValue(beta, x.getDevice(), training).reshape(broadcast));
    }
    return new NDList(y);
  }

  /** The mean over the normalised axes, kept with size 1 (DJL's PyTorch reduces one at a time). */
  private NDArray meanOver(NDArray x) {
    NDArray m = x;
    for (int axis : axes) {
      m = m.mean(new int[] {axis}, true);
    }
    return m;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
