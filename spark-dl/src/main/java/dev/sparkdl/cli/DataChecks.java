package dev.sparkdl.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import scala.Tuple2;

/**
 * The command line's checks of the data it reads, before the pipeline is fitted: feature columns
 * that are numbers, and no empty (null) or NaN cells in the feature and label columns. A bad
 * cell would otherwise fail inside a Spark task (VectorAssembler, StringIndexer) with a stack
 * trace naming neither the row nor the fix; here it is named by its row number (in read order,
 * 1-based: for one CSV file with a header, line number minus one) with the row's values.
 */
final class DataChecks {
  private static final int EXAMPLES = 3;

  private DataChecks() {}

  /**
   * Feature columns must be numeric (or boolean): a string column is named with one of its
   * values; a CSV with a header and no rows (every column inferred as string) is named as such.
   */
  static void featureTypes(Dataset<Row> data, List<String> features, String key, String path) {
    for (String c : features) {
      DataType t = data.schema().apply(c).dataType();
      if (t instanceof NumericType || t instanceof BooleanType
          || dev.sparkdl.data.ColumnChecks.isVector(t)) { // what VectorAssembler takes
        continue;
      }
      if (data.isEmpty()) {
        throw new JobFileException(key + ": the data at " + path + " has no rows (a header"
            + " only?): there is nothing to " + ("--input".equals(key) ? "score" : "train on")
            + ". Give a file with data rows.");
      }
      if (t instanceof StringType) {
        Column col = functions.col(c);
        List<Row> bad = data.select(col).where(col.isNotNull()
            .and(functions.expr("try_cast(`" + c.replace("`", "``") + "` AS DOUBLE)").isNull()))
            .limit(1).collectAsList();
        String example = bad.isEmpty() ? "" : ", e.g. \"" + bad.get(0).getString(0) + "\"";
        throw new JobFileException(key + ": feature column \"" + c + "\" holds strings"
            + example + ", but features must be numbers. Fix or drop the cells that are not"
            + " numbers, cast the column (a reader option such as \"inferSchema\" or a"
            + " cleaned file), or leave \"" + c + "\" out of \"features\".");
      }
      throw new JobFileException(key + ": feature column \"" + c + "\" has type "
          + t.simpleString() + ", but the listed features must be numeric (or vector) columns."
          + " Give a"
          + " vector or array column by name instead (\"features\": \"" + c + "\"), or list"
          + " numeric columns.");
    }
  }

  /**
   * Counts null and NaN cells of the feature and label columns in one job; when there are any,
   * fails naming the column, the count and the first rows (one more job).
   *
   * @param label the label column, or null
   */
  static void values(Dataset<Row> data, List<String> features, String label, String key) {
    List<String> cols = new ArrayList<>(features);
    if (label != null) {
      cols.add(label);
    }
    List<Column> counts = new ArrayList<>();
    counts.add(functions.count(functions.lit(1)));
    for (String c : cols) {
      counts.add(functions.sum(functions.when(bad(data, c), 1).otherwise(0)));
    }
    data.sparkSession().sparkContext().setJobDescription("spark-dl: check the " + key
        + " data for empty and NaN cells");
    Row r;
    try {
      r = data.agg(counts.get(0), counts.subList(1, counts.size()).toArray(new Column[0]))
          .first();
    } finally {
      data.sparkSession().sparkContext().setJobDescription(null);
    }
    long rows = r.getLong(0);
    for (int i = 0; i < cols.size(); i++) {
      long n = r.isNullAt(i + 1) ? 0 : r.getLong(i + 1);
      if (n == 0) {
        continue;
      }
      String c = cols.get(i);
      boolean isLabel = label != null && i == cols.size() - 1;
      boolean floating = isFloating(data, c);
      throw new JobFileException(String.format(Locale.ROOT, "%s: %s column \"%s\" is %s in %d"
          + " of %d rows, e.g. %s. %s", key, isLabel ? "label" : "feature", c,
          floating ? "empty or NaN" : "empty", n, rows, examples(data, c),
          isLabel ? "Every row needs a label: fill the cells or drop those rows."
              : "Every feature must be a number: fill the cells, drop those rows from the"
                  + " data, or impute them (Spark ML's Imputer) first."));
    }
  }

  private static Column bad(Dataset<Row> data, String c) {
    Column col = functions.col(c);
    return isFloating(data, c) ? col.isNull().or(functions.isnan(col)) : col.isNull();
  }

  private static boolean isFloating(Dataset<Row> data, String c) {
    DataType t = data.schema().apply(c).dataType();
    return t instanceof DoubleType || t instanceof FloatType;
  }

  /** @return the first bad rows: "row 3 (5,null,p)", numbered in read order from 1 */
  private static String examples(Dataset<Row> data, String c) {
    int at = data.schema().fieldIndex(c);
    boolean floating = isFloating(data, c);
    org.apache.spark.api.java.JavaPairRDD<Row, Long> bad = data.toJavaRDD().zipWithIndex()
        .filter(t -> t._1().isNullAt(at)
            || (floating && Double.isNaN(((Number) t._1().get(at)).doubleValue())));
    List<String> out = new ArrayList<>();
    for (Tuple2<Row, Long> t : bad.take(EXAMPLES)) {
      out.add("row " + (t._2() + 1) + " (" + t._1().mkString(",") + ")");
    }
    return String.join(", ", out);
  }
}
