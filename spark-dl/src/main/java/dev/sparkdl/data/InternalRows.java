package dev.sparkdl.data;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.types.StructType;

/**
 * The one place that reaches into Spark SQL's internal row format: reading a DataFrame as rows
 * of {@link InternalRow} and making a DataFrame of them. Converting to and from external
 * {@code Row}s would build a Vector object per row and re-encode every column; this avoids both
 * (Spark's own ML models work on this level too).
 *
 * <p>Also the one place that differs between Spark 3.5 and 4.x: in 4.x the JVM implementation
 * moved to {@code org.apache.spark.sql.classic} ({@code Dataset.queryExecution} and {@code
 * SparkSession.internalCreateDataFrame} live there), in 3.5 they are on the public classes. Both
 * are found by name on the object at hand, so one source tree builds for both; a Spark Connect
 * session or DataFrame, which has neither, is refused.
 */
public final class InternalRows {
  private InternalRows() {}

  /**
   * @param data a DataFrame of the classic (JVM) Spark SQL implementation
   * @return its rows in Spark's internal format; a row object may be reused by the next row,
   *     so copy what outlives one iteration step
   */
  public static RDD<InternalRow> of(Dataset<Row> data) {
    Object qe = call(data, "queryExecution", new Class<?>[0], "DataFrame");
    return ((QueryExecution) qe).toRdd();
  }

  /**
   * @param spark the session
   * @param rows rows matching {@code schema}
   * @param schema the schema
   * @return the DataFrame
   */
  @SuppressWarnings("unchecked")
  public static Dataset<Row> dataFrame(SparkSession spark, RDD<InternalRow> rows, StructType schema) {
    return (Dataset<Row>) call(spark, "internalCreateDataFrame",
        new Class<?>[] {RDD.class, StructType.class, boolean.class}, "session", rows, schema, false);
  }

  private static Object call(Object target, String name, Class<?>[] types, String what,
      Object... args) {
    Method m;
    try {
      m = target.getClass().getMethod(name, types);
    } catch (NoSuchMethodException e) {
      throw new UnsupportedOperationException("spark-dl runs inside the JVM Spark session; a"
          + " Spark Connect " + what + " (" + target.getClass().getName() + ") is not"
          + " supported.", e);
    }
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
