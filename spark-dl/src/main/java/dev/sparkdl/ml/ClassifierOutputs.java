package dev.sparkdl.ml;

import dev.sparkdl.distributed.OutputColumns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.types.StructField;

/**
 * The classifier's output columns, as Spark's probabilistic classifiers make them:
 * rawPrediction (the logits; for one sigmoid unit {@code [-z, z]}), probability (softmax; for one
 * sigmoid unit {@code [1-p, p]}) and prediction (the most probable class, or Spark's thresholds
 * rule {@code argmax p_i / t_i}). A column whose name is empty is not produced.
 */
final class ClassifierOutputs implements OutputColumns {
  private static final long serialVersionUID = 1L;
  private final String rawCol;
  private final String probabilityCol;
  private final String predictionCol;
  private final int classes;
  private final boolean binarySigmoid;
  private final double[] thresholds;

  ClassifierOutputs(String rawCol, String probabilityCol, String predictionCol, int classes,
      boolean binarySigmoid, double[] thresholds) {
    this.rawCol = rawCol;
    this.probabilityCol = probabilityCol;
    this.predictionCol = predictionCol;
    this.classes = classes;
    this.binarySigmoid = binarySigmoid;
    this.thresholds = thresholds;
  }

  @Override
  public StructField[] fields() {
    List<StructField> f = new ArrayList<>();
    if (!rawCol.isEmpty()) {
      f.add(new AttributeGroup(rawCol, classes).toStructField());
    }
    if (!probabilityCol.isEmpty()) {
      f.add(new AttributeGroup(probabilityCol, classes).toStructField());
    }
    if (!predictionCol.isEmpty()) {
      f.add(NominalAttribute.defaultAttr().withName(predictionCol).withNumValues(classes)
          .toStructField());
    }
    return f.toArray(new StructField[0]);
  }

  @Override
  public Object[] values(float[] raw, float[] act, int offset, int width) {
    double[] r = new double[classes];
    double[] p = new double[classes];
    if (binarySigmoid) {
      r[0] = -raw[offset];
      r[1] = raw[offset];
      p[1] = act[offset];
      p[0] = 1 - p[1];
    } else {
      for (int i = 0; i < classes; i++) {
        r[i] = raw[offset + i];
        p[i] = act[offset + i];
      }
    }
    Object[] out = new Object[columns()];
    int k = 0;
    if (!rawCol.isEmpty()) {
      out[k++] = Vectors.dense(r);
    }
    if (!probabilityCol.isEmpty()) {
      out[k++] = Vectors.dense(p);
    }
    if (!predictionCol.isEmpty()) {
      out[k] = predict(p, thresholds);
    }
    return out;
  }

  /** The number of columns produced (called per row: {@link #fields()} builds metadata). */
  private int columns() {
    return (rawCol.isEmpty() ? 0 : 1) + (probabilityCol.isEmpty() ? 0 : 1)
        + (predictionCol.isEmpty() ? 0 : 1);
  }

  static double predict(double[] p, double[] thresholds) {
    int best = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < p.length; i++) {
      double s = thresholds == null ? p[i]
          : thresholds[i] == 0 ? Double.POSITIVE_INFINITY : p[i] / thresholds[i];
      if (s > bestScore) {
        bestScore = s;
        best = i;
      }
    }
    return best;
  }
}
