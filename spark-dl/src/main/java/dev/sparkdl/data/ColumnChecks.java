package dev.sparkdl.data;

import java.util.Arrays;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Schema checks run before any Spark job, with Spark's style of message: the column, the type it
 * must have, the type it has, and how to get there.
 */
public final class ColumnChecks {
  private ColumnChecks() {}

  /**
   * @param schema the input schema
   * @param col the column name
   * @param role what the column is for ("features", "label")
   * @return the field
   * @throws IllegalArgumentException naming the column and the available ones
   */
  public static StructField field(StructType schema, String col, String role) {
    if (!Arrays.asList(schema.fieldNames()).contains(col)) {
      throw new IllegalArgumentException(
          "The " + role + " column '" + col + "' does not exist. Available columns: "
              + String.join(", ", schema.fieldNames()) + ". Set the right name with set"
              + Character.toUpperCase(role.charAt(0)) + role.substring(1) + "Col(...).");
    }
    return schema.apply(col);
  }

  /** @return true for a Spark ML Vector column */
  public static boolean isVector(DataType type) {
    return type.equals(SQLDataTypes.VectorType());
  }

  /** @return true for an array of numbers */
  public static boolean isNumericArray(DataType t) {
    return t instanceof ArrayType a && a.elementType() instanceof NumericType;
  }

  /** @return true for an array of arrays of numbers (a sequence) */
  public static boolean isSequence(DataType t) {
    return t instanceof ArrayType a && isNumericArray(a.elementType());
  }

  /**
   * @return true for the image struct of Spark's image data source (height, width, nChannels,
   *     data)
   */
  public static boolean isImage(DataType t) {
    if (!(t instanceof StructType s)) {
      return false;
    }
    java.util.List<String> names = java.util.Arrays.asList(s.fieldNames());
    return names.containsAll(java.util.List.of("height", "width", "nChannels", "data"));
  }

  /** @return positions of height, width, nChannels and data in an image struct */
  public static int[] imageFields(StructType s) {
    return new int[] {s.fieldIndex("height"), s.fieldIndex("width"), s.fieldIndex("nChannels"),
        s.fieldIndex("data")};
  }

  /**
   * Checks a features column: a Vector or an array of numbers.
   *
   * @return the field
   */
  public static StructField features(StructType schema, String col) {
    StructField f = field(schema, col, "features");
    if (!isVector(f.dataType()) && !isNumericArray(f.dataType()) && !isSequence(f.dataType())
        && !isImage(f.dataType())) {
      throw new IllegalArgumentException(
          "Column " + col + " must be of type Vector (org.apache.spark.ml.linalg.VectorUDT),"
              + " array<float> / array<double>, array<array<double>> (a sequence) or an image"
              + " struct (spark.read.format(\"image\")) but was actually of type "
              + f.dataType().simpleString() + ". Assemble numeric columns into one with"
              + " VectorAssembler.");
    }
    return f;
  }

  /**
   * Checks a label column: a number, or (when {@code vectorAllowed}) a Vector of targets.
   *
   * @return the field
   */
  public static StructField label(StructType schema, String col, boolean vectorAllowed) {
    StructField f = field(schema, col, "label");
    boolean ok = f.dataType() instanceof NumericType
        || (vectorAllowed && (isVector(f.dataType()) || isNumericArray(f.dataType())));
    if (!ok) {
      throw new IllegalArgumentException(
          "Column " + col + " must be of type NumericType"
              + (vectorAllowed ? " (class index) or Vector (one-hot or probabilities)" : "")
              + " but was actually of type " + f.dataType().simpleString() + "."
              + (f.dataType().simpleString().equals("string")
                  ? " Index string labels with StringIndexer." : ""));
    }
    return f;
  }

  /** @return the vector size recorded in ML attribute metadata (VectorAssembler), or -1 */
  public static int metadataSize(StructField f) {
    if (!isVector(f.dataType())) {
      return -1;
    }
    try {
      return AttributeGroup.fromStructField(f).size();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** @return the number of classes recorded by StringIndexer in the label's metadata, or -1 */
  public static int metadataClasses(StructField f) {
    try {
      Attribute a = Attribute.fromStructField(f);
      if (a instanceof NominalAttribute n && n.getNumValues().isDefined()) {
        return (Integer) n.getNumValues().get();
      }
    } catch (RuntimeException e) {
      // no usable metadata
    }
    return -1;
  }
}
