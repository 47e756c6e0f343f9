package dev.sparkdl.data;

import dev.sparkdl.spec.LabelMode;
import java.io.Serializable;
import java.util.Iterator;
import java.util.SplittableRandom;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;

/**
 * Converts a partition's rows (Spark's internal format, labels cast to double unless they are
 * vectors) to {@link PartitionData}, once: validates every feature and label,
 * counts the bad rows in the report (they are not kept) and draws the validation rows.
 *
 * @param featuresIndex the features column's position in the row
 * @param featuresType the features column's type (Vector or array of numbers)
 * @param labelIndex the label column's position
 * @param labelType the label column's type (double, or Vector / array for vector labels)
 * @param expectedLength values per feature vector, or -1 to take the first row's length
 * @param label how labels become targets
 * @param validationFraction the fraction of rows drawn for validation, in [0, 1)
 * @param seed seeds the validation draw (with the partition index)
 * @param validationIndex the position of a boolean column whose true rows are validation rows
 *     (null counts as false), or -1 to draw them with validationFraction
 * @param countLabels whether a value label must also be &gt;= 0 (a Poisson count)
 */
public record RowConverter(
    int featuresIndex,
    DataType featuresType,
    int labelIndex,
    DataType labelType,
    int expectedLength,
    LabelMode label,
    double validationFraction,
    long seed,
    int validationIndex,
    boolean countLabels)
    implements Serializable {

  /**
   * @param partition the partition index
   * @param rows the partition's rows
   * @return the converted partition
   */
  public PartitionData convert(int partition, Iterator<InternalRow> rows) {
    ConversionReport report = new ConversionReport();
    SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + partition);
    int width = expectedLength;
    FloatRows trainX = null;
    FloatRows valX = null;
    FloatRows trainY = new FloatRows(label.storedWidth());
    FloatRows valY = new FloatRows(label.storedWidth());
    float[] x = new float[Math.max(width, 0)];
    float[] y = new float[label.storedWidth()];
    while (rows.hasNext()) {
      InternalRow row = rows.next();
      report.rows++;
      int len = Features.length(row, featuresIndex, featuresType);
      if (len == Features.NULL) {
        report.nullFeatures++;
        continue;
      }
      if (len == Features.RAGGED) {
        report.raggedFeatures++;
        continue;
      }
      report.lengths.merge(len, 1L, Long::sum);
      if (width < 0) {
        width = len;
        x = new float[width];
      }
      if (len != width) {
        continue;
      }
      if (!Features.write(row, featuresIndex, featuresType, x, 0)) {
        report.nonFiniteFeatures++;
        report.featureExample(Features.preview(row, featuresIndex, featuresType));
        continue;
      }
      if (!readLabel(row, y, report)) {
        continue;
      }
      if (report.firstShape == null) {
        report.firstShape = Features.shape(row, featuresIndex, featuresType);
      }
      if (trainX == null) {
        trainX = new FloatRows(width);
        valX = new FloatRows(width);
      }
      boolean validation = validationIndex >= 0
          ? !row.isNullAt(validationIndex) && row.getBoolean(validationIndex)
          : validationFraction > 0 && rnd.nextDouble() < validationFraction;
      if (validation) {
        valX.append(x, 0);
        valY.append(y, 0);
        report.validationRows++;
      } else {
        trainX.append(x, 0);
        trainY.append(y, 0);
        report.trainRows++;
      }
    }
    if (trainX == null) {
      trainX = new FloatRows(Math.max(width, 0));
      valX = new FloatRows(Math.max(width, 0));
    }
    trainX.trim();
    trainY.trim();
    valX.trim();
    valY.trim();
    return new PartitionData(
        new PartitionData.Split(trainX, trainY), new PartitionData.Split(valX, valY), report);
  }

  private boolean readLabel(InternalRow row, float[] y, ConversionReport report) {
    if (row.isNullAt(labelIndex)) {
      report.nullLabels++;
      return false;
    }
    switch (label.kind()) {
      case CLASS_INDEX -> {
        double d = row.getDouble(labelIndex);
        if (!(d == Math.rint(d) && d >= 0 && d < label.classes())) {
          report.badLabels++;
          report.labelExample(String.valueOf(d));
          return false;
        }
        y[0] = (float) d;
        return true;
      }
      case VALUE -> {
        double d = row.getDouble(labelIndex);
        if (!Double.isFinite(d) || countLabels && d < 0) {
          report.badLabels++;
          report.labelExample(String.valueOf(d));
          return false;
        }
        y[0] = (float) d;
        return true;
      }
      default -> {
        double[] t = Features.toDoubles(row, labelIndex, labelType);
        boolean ok = t != null && t.length == label.classes();
        for (int i = 0; ok && i < t.length; i++) {
          ok = Double.isFinite(t[i]) && t[i] >= 0 && t[i] <= 1;
          y[i] = ok ? (float) t[i] : 0f;
        }
        if (!ok) {
          report.badLabels++;
          report.labelExample(t == null ? "null element" : java.util.Arrays.toString(t));
        }
        return ok;
      }
    }
  }
}
