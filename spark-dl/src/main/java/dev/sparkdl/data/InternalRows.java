package dev.sparkdl.data;

import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;

/**
 * The one place that reaches into Spark SQL's internal row format: reading a DataFrame as rows
 * of {@link InternalRow} and making a DataFrame of them. Converting to and from external
 * {@code Row}s would build a Vector object per row and re-encode every column; this avoids both
 * (Spark's own ML models work on this level too).
 */
public final class InternalRows {
  private InternalRows() {}

  /**
   * @param data a DataFrame of the classic (JVM) Spark SQL implementation
   * @return its rows in Spark's internal format; a row object may be reused by the next row,
   *     so copy what outlives one iteration step
   */
  public static RDD<InternalRow> of(Dataset<Row> data) {
    return classic(data).queryExecution().toRdd();
  }

  /**
   * @param spark the session
   * @param rows rows matching {@code schema}
   * @param schema the schema
   * @return the DataFrame
   */
  public static Dataset<Row> dataFrame(SparkSession spark, RDD<InternalRow> rows, StructType schema) {
    if (!(spark instanceof org.apache.spark.sql.classic.SparkSession s)) {
      throw new UnsupportedOperationException(
          "spark-dl runs inside the JVM Spark session; a Spark Connect session ("
              + spark.getClass().getName() + ") is not supported.");
    }
    return s.internalCreateDataFrame(rows, schema, false);
  }

  private static org.apache.spark.sql.classic.Dataset<Row> classic(Dataset<Row> data) {
    if (!(data instanceof org.apache.spark.sql.classic.Dataset<Row> c)) {
      throw new UnsupportedOperationException(
          "spark-dl runs inside the JVM Spark session; a Spark Connect DataFrame ("
              + data.getClass().getName() + ") is not supported.");
    }
    return c;
  }
}
