package dev.sparkdl.engine;

import java.io.Serializable;
import java.util.Arrays;

/**
 * An optimizer's state as plain arrays: the number of update steps taken and its slot arrays
 * (Adam's moments, Adadelta's accumulators, momentum velocities...), slot-major per trainable
 * parameter. Slots average like weights, which is how {@code distributed} keeps optimizer state
 * across rounds. The distributed trainer's outer momentum (its velocity per weight array) travels
 * with it, so that a warm start continues exactly.
 */
public final class OptimizerState implements Serializable {
  private static final long serialVersionUID = 1L;
  private final long iterations;
  private final float[][] slots;
  private final float[][] outerVelocity;

  /**
   * @param iterations update steps taken so far (Adam's bias correction uses it)
   * @param slots slot arrays, in the optimizer's order
   */
  public OptimizerState(long iterations, float[][] slots) {
    this(iterations, slots, null);
  }

  /**
   * @param iterations update steps taken so far (Adam's bias correction uses it)
   * @param slots slot arrays, in the optimizer's order
   * @param outerVelocity the outer momentum's velocity, one array per weight array (null
   *     entries for arrays it does not update), or null for none
   */
  public OptimizerState(long iterations, float[][] slots, float[][] outerVelocity) {
    this.iterations = iterations;
    this.slots = slots;
    this.outerVelocity = outerVelocity;
  }

  /** @return the outer momentum's velocity per weight array, or null (not a copy) */
  public float[][] outerVelocity() {
    return outerVelocity;
  }

  /** @return this state with the given outer velocity */
  public OptimizerState withOuterVelocity(float[][] velocity) {
    return new OptimizerState(iterations, slots, velocity);
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
        && Arrays.deepEquals(slots, s.slots)
        && Arrays.deepEquals(outerVelocity, s.outerVelocity);
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
