package dev.sparkdl.ml;

import dev.sparkdl.distributed.OutputColumns;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;

/** The regressor's output column: the prediction as a double. */
final class RegressorOutputs implements OutputColumns {
  private static final long serialVersionUID = 1L;
  private final String predictionCol;

  RegressorOutputs(String predictionCol) {
    this.predictionCol = predictionCol;
  }

  @Override
  public StructField[] fields() {
    return predictionCol.isEmpty()
        ? new StructField[0]
        : new StructField[] {
          new StructField(predictionCol, DataTypes.DoubleType, false, Metadata.empty())
        };
  }

  @Override
  public Object[] values(float[] raw, float[] act, int offset, int width) {
    return predictionCol.isEmpty() ? new Object[0] : new Object[] {(double) act[offset]};
  }
}
