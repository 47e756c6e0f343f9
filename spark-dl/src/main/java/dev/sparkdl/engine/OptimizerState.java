package dev.sparkdl.engine;

import java.io.Serializable;
import java.util.Arrays;

/**
 * An optimizer's state as plain arrays: the number of update steps taken and its slot arrays
 * (Adam's moments, Adadelta's accumulators, momentum velocities...), slot-major per trainable
 * parameter. Slots average like weights, which is how {@code distributed} keeps optimizer state
 * across rounds.
 */
public final class OptimizerState implements Serializable {
  private static final long serialVersionUID = 1L;
  private final long iterations;
  private final float[][] slots;

  /**
   * @param iterations update steps taken so far (Adam's bias correction uses it)
   * @param slots slot arrays, in the optimizer's order
   */
  public OptimizerState(long iterations, float[][] slots) {
    this.iterations = iterations;
    this.slots = slots;
  }

  /** @return update steps taken so far */
  public long iterations() {
    return iterations;
  }

  /** @return the slot arrays (not copies) */
  public float[][] slots() {
    return slots;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OptimizerState s
        && iterations == s.iterations
        && Arrays.deepEquals(slots, s.slots);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(iterations) * 31 + Arrays.deepHashCode(slots);
  }

  @Override
  public String toString() {
    return "OptimizerState(iterations=" + iterations + ", " + slots.length + " slots)";
  }
}
