package dev.sparkdl.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Small real data sets bundled with the library (as scikit-learn's {@code load_*} and {@code
 * keras.datasets}): each loads as a DataFrame with a {@code features} Vector column and a
 * {@code label} double column. Provenance: {@code dev/sparkdl/datasets/PROVENANCE.md}.
 */
public final class Datasets {
  private Datasets() {}

  /** Fisher's Iris: 150 rows, 4 features, labels 0, 1, 2. */
  public static Dataset<Row> iris(SparkSession spark) {
    return load(spark, "iris.csv.gz", 4, 4);
  }

  /** UCI Wine: 178 rows, 13 features (unscaled), labels 0, 1, 2. */
  public static Dataset<Row> wine(SparkSession spark) {
    return load(spark, "wine.csv.gz", 13, 13);
  }

  /** UCI optical digits 8×8: 1797 rows, 64 pixel features 0..16, labels 0..9. */
  public static Dataset<Row> digits(SparkSession spark) {
    return load(spark, "digits.csv.gz", 64, 64);
  }

  /** R's cars: 50 rows, feature speed (mph), label stopping distance (ft). */
  public static Dataset<Row> cars(SparkSession spark) {
    return load(spark, "cars.csv.gz", 1, 1);
  }

  private static Dataset<Row> load(SparkSession spark, String file, int features, int labelIndex) {
    StructType schema =
        new StructType(new StructField[] {
          new StructField("features", SQLDataTypes.VectorType(), false, Metadata.empty()),
          new StructField("label", DataTypes.DoubleType, false, Metadata.empty())
        });
    List<Row> rows = new ArrayList<>();
    String resource = "/dev/sparkdl/datasets/" + file;
    try (InputStream in = Datasets.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("bundled data set " + resource + " is missing from the jar");
      }
      BufferedReader r =
          new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8));
      r.readLine(); // header
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",");
        double[] x = new double[features];
        for (int i = 0; i < features; i++) {
          x[i] = Double.parseDouble(cells[i]);
        }
        rows.add(RowFactory.create(Vectors.dense(x), Double.parseDouble(cells[labelIndex])));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read bundled data set " + resource, e);
    }
    return spark.createDataFrame(rows, schema);
  }
}
