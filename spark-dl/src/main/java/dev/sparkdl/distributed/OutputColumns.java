package dev.sparkdl.distributed;

import java.io.Serializable;
import org.apache.spark.sql.types.StructField;

/**
 * Turns one sample's network outputs into the values of the columns a model appends (the
 * classifier's rawPrediction, probability and prediction; the regressor's prediction).
 */
public interface OutputColumns extends Serializable {

  /** @return the columns appended, in order */
  StructField[] fields();

  /**
   * @param raw pre-activation outputs of all samples of the batch
   * @param activated activated outputs of all samples of the batch
   * @param offset where this sample's outputs start
   * @param width outputs per sample
   * @return the appended values, one per field
   */
  Object[] values(float[] raw, float[] activated, int offset, int width);

  /**
   * @return forward passes per batch with dropout on (Monte Carlo dropout) whose raw outputs
   *     {@link #values(float[], float[], float[][], int, int)} receives; 0 for none
   */
  default int mcSamples() {
    return 0;
  }

  /**
   * @param raw pre-activation outputs of the deterministic pass (dropout off)
   * @param activated activated outputs of the deterministic pass
   * @param sampled the raw outputs of each Monte Carlo dropout pass, or null when
   *     {@link #mcSamples()} is 0
   * @param offset where this sample's outputs start
   * @param width outputs per sample
   * @return the appended values, one per field
   */
  default Object[] values(float[] raw, float[] activated, float[][] sampled, int offset,
      int width) {
    return values(raw, activated, offset, width);
  }
}
