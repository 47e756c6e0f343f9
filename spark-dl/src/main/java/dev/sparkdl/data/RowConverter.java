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
 * @param weightIndex the position of the sample-weight column (cast to double), or -1 for none:
 *     a null, NaN, infinite or negative weight is a bad row
 * @param classWeights Keras' {@code class_weight} by class index (classes past the end weigh 1),
 *     or null
 *     <p>With weights, the stored label rows carry one more value, the row's weight (the sample
 *     weight times its class's weight; see {@link FloatRows#weight}); rows of weight 0 are
 *     dropped here, as they would add nothing to the loss.
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
    boolean countLabels,
    int weightIndex,
    double[] classWeights)
    implements Serializable {

  /** A converter without sample or class weights. */
  public RowConverter(int featuresIndex, DataType featuresType, int labelIndex,
      DataType labelType, int expectedLength, LabelMode label, double validationFraction,
      long seed, int validationIndex, boolean countLabels) {
    this(featuresIndex, featuresType, labelIndex, labelType, expectedLength, label,
        validationFraction, seed, validationIndex, countLabels, -1, null);
  }

  /** @return whether the rows carry weights */
  public boolean weighted() {
    return weightIndex >= 0 || classWeights != null;
  }

  /**
   * @param partition the partition index
   * @param rows the partition's rows
   * @return the converted partition
   */
  public PartitionData convert(int partition, Iterator<InternalRow> rows) {
    ConversionReport report = new ConversionReport();
    report.weighted = weighted();
    SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + partition);
    int width = expectedLength;
    FloatRows trainX = null;
    FloatRows valX = null;
    int stored = label.storedWidth() + (weighted() ? 1 : 0);
    FloatRows trainY = new FloatRows(stored);
    FloatRows valY = new FloatRows(stored);
    float[] x = new float[Math.max(width, 0)];
    float[] y = new float[stored];
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
      if (weighted()) {
        float w = weight(row, y, report);
        if (!(w > 0)) {
          continue; // bad (NaN, counted) or 0 (ignored)
        }
        y[stored - 1] = w;
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

  /** @return the row's weight, 0 to ignore it, or NaN for a bad one (counted) */
  private float weight(InternalRow row, float[] y, ConversionReport report) {
    double w = 1;
    if (weightIndex >= 0) {
      w = row.isNullAt(weightIndex) ? Double.NaN : row.getDouble(weightIndex);
      if (!(Double.isFinite(w) && w >= 0)) {
        report.badWeights++;
        report.weightExample(row.isNullAt(weightIndex) ? "null" : String.valueOf(w));
        return Float.NaN;
      }
    }
    if (classWeights != null) {
      int c = 0;
      if (label.kind() == LabelMode.Kind.VECTOR) {
        for (int j = 1; j < label.classes(); j++) {
          c = y[j] > y[c] ? j : c;
        }
      } else {
        c = Math.round(y[0]);
      }
      w *= c < classWeights.length ? classWeights[c] : 1;
    }
    if (w == 0) {
      report.zeroWeights++;
    }
    return (float) w;
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
