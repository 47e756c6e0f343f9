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
}
