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

  EmbeddingBlock(int inputDim, int outputDim) {
    super(VERSION);
    this.inputDim = inputDim;
    this.outputDim = outputDim;
    this.table = addParameter(Parameter.builder().setName("embeddings")
        .setType(Parameter.Type.WEIGHT).optShape(new Shape(inputDim, outputDim)).build());
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray w = store.getValue(table, x.getDevice(), training);
    NDArray idx = x.toType(DataType.INT64, false);
    return new NDList(w.get(idx.flatten()).reshape(x.getShape().add(outputDim)));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0].add(outputDim)};
  }

  int inputDim() {
    return inputDim;
  }
}
