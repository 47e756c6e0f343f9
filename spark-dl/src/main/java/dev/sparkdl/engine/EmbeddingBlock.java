package dev.sparkdl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Keras' Embedding: {@code (batch, steps)} indices (as floats) to {@code (batch, steps,
 * outputDim)} rows of a learned {@code (inputDim, outputDim)} table.
 */
final class EmbeddingBlock extends AbstractBlock {
  private static final byte VERSION = 1;
  private final int inputDim;
  private final int outputDim;
  private final Parameter table;
  private final float dropout;
  private final java.util.function.Supplier<java.util.SplittableRandom> random;
  private final SequenceMask mask;

  EmbeddingBlock(int inputDim, int outputDim) {
    this(inputDim, outputDim, 0f, null, null);
  }

  /** Without Keras' {@code mask_zero}. */
  EmbeddingBlock(int inputDim, int outputDim, float dropout,
      java.util.function.Supplier<java.util.SplittableRandom> random) {
    this(inputDim, outputDim, dropout, random, null);
  }

  /**
   * @param dropout Keras 1's word dropout: while training, rows of the table are dropped with
   *     this probability per batch and the others scaled by 1/(1 - dropout)
   * @param random the network's seeded generator, for the masks
   * @param mask with Keras' {@code mask_zero}: receives {@code index != 0} on every pass; else
   *     null
   */
  EmbeddingBlock(int inputDim, int outputDim, float dropout,
      java.util.function.Supplier<java.util.SplittableRandom> random, SequenceMask mask) {
    super(VERSION);
    this.inputDim = inputDim;
    this.outputDim = outputDim;
    this.dropout = dropout;
    this.random = random;
    this.mask = mask;
    this.table = addParameter(Parameter.builder().setName("embeddings")
        .setType(Parameter.Type.WEIGHT).optShape(new Shape(inputDim, outputDim)).build());
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    if (mask != null) {
      mask.setFromIndices(x);
    }
    NDArray w = store.getValue(table, x.getDevice(), training);
    NDArray idx = x.toType(DataType.INT64, false).flatten();
    NDArray rows = w.get(idx);
    if (training && dropout > 0f) {
      // Keras 1: W * B with B ~ Bernoulli(1 - p) / (1 - p) per row of the table, per batch
      float[] mask = new float[inputDim];
      float keep = 1f / (1f - dropout);
      java.util.SplittableRandom rnd = random.get();
      for (int i = 0; i < inputDim; i++) {
        mask[i] = rnd.nextFloat() >= dropout ? keep : 0f;
      }
      NDArray m = x.getManager().create(mask).get(idx).reshape(-1, 1);
      rows = rows.mul(m);
    }
    return new NDList(rows.reshape(x.getShape().add(outputDim)));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0].add(outputDim)};
  }

  int inputDim() {
    return inputDim;
  }
}
