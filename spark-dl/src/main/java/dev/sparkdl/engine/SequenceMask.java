package dev.sparkdl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Keras' mask of one forward pass: the {@code Embedding(mask_zero=True)} block sets it from its
 * input indices ({@code (batch, steps)}, 1 where {@code index != 0}, else 0, as floats), and the
 * blocks that consume it (recurrent layers, {@code GlobalAveragePooling1D}) read it later in the
 * same pass. One per network; a network runs one pass at a time.
 */
final class SequenceMask {
  private NDArray current;

  /** Sets the mask from an Embedding's input indices {@code (batch, steps)}. */
  void setFromIndices(NDArray indices) {
    current = indices.neq(0f).toType(DataType.FLOAT32, false);
  }

  /** @return the mask {@code (batch, steps)} of the current pass */
  NDArray get() {
    if (current == null) {
      throw new IllegalStateException("No mask: the Embedding(mask_zero=True) did not run before"
          + " the layer that consumes its mask.");
    }
    return current;
  }
}
