package dev.sparkdl.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What converting rows to floats found: how many rows, the lengths of the feature values, and
 * every kind of bad row with a count and a few examples. Reports of all partitions merge on the
 * driver, which turns problems into one error message before any training starts.
 */
public final class ConversionReport implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int EXAMPLES = 3;

  long rows;
  long trainRows;
  long validationRows;
  long nullFeatures;
  long raggedFeatures;
  int[] firstShape;
  long nonFiniteFeatures;
  final TreeMap<Integer, Long> lengths = new TreeMap<>();
  long nullLabels;
  long badLabels;
  long badWeights;
  /** Whether the label rows carry a weight (the order of rows ignores it). */
  boolean weighted;
  long zeroWeights;
  final List<String> weightExamples = new ArrayList<>();
  final List<String> featureExamples = new ArrayList<>();
  final List<String> labelExamples = new ArrayList<>();

  /** @return rows read */
  public long rows() {
    return rows;
  }

  /** @return rows kept for training */
  public long trainRows() {
    return trainRows;
  }

  /** @return rows kept for validation */
  public long validationRows() {
    return validationRows;
  }

  /** @return the per-sample shape of the first usable row, or null if there was none */
  public java.util.List<Integer> firstShape() {
    if (firstShape == null) {
      return null;
    }
    java.util.List<Integer> s = new java.util.ArrayList<>();
    for (int d : firstShape) {
      s.add(d);
    }
    return s;
  }

  /** @return non-null feature lengths seen, with their row counts */
  public Map<Integer, Long> lengths() {
    return lengths;
  }

  void featureExample(String s) {
    if (featureExamples.size() < EXAMPLES) {
      featureExamples.add(s);
    }
  }

  void labelExample(String s) {
    if (labelExamples.size() < EXAMPLES && !labelExamples.contains(s)) {
      labelExamples.add(s);
    }
  }

  void weightExample(String s) {
    if (weightExamples.size() < EXAMPLES && !weightExamples.contains(s)) {
      weightExamples.add(s);
    }
  }

  /** @return rows left out because their weight (sample weight times class weight) is 0 */
  public long zeroWeightRows() {
    return zeroWeights;
  }

  /** Adds another partition's report to this one. */
  public ConversionReport merge(ConversionReport o) {
    rows += o.rows;
    trainRows += o.trainRows;
    validationRows += o.validationRows;
    nullFeatures += o.nullFeatures;
    raggedFeatures += o.raggedFeatures;
    if (firstShape == null) {
      firstShape = o.firstShape;
    }
    nonFiniteFeatures += o.nonFiniteFeatures;
    o.lengths.forEach((k, v) -> lengths.merge(k, v, Long::sum));
    nullLabels += o.nullLabels;
    badLabels += o.badLabels;
    badWeights += o.badWeights;
    weighted |= o.weighted;
    zeroWeights += o.zeroWeights;
    o.weightExamples.forEach(this::weightExample);
    o.featureExamples.forEach(this::featureExample);
    o.labelExamples.forEach(this::labelExample);
    return this;
  }

  /**
   * Turns the problems into one message, or returns null when the data is usable.
   *
   * @param featuresCol the features column name
   * @param labelCol the label column name
   * @param expectedLength the feature length the network needs, or -1 if taken from the data
   * @param expectedFrom where {@code expectedLength} comes from, for the message
   * @param labelRule what a valid label is, for the message ("class indices 0.0 .. 2.0 ...")
   * @return the message, or null
   */
  public String problems(
      String featuresCol, String labelCol, int expectedLength, String expectedFrom,
      String labelRule) {
    return problems(featuresCol, labelCol, expectedLength, expectedFrom, labelRule, "weightCol");
  }

  /**
   * As {@link #problems(String, String, int, String, String)}, naming the sample-weight column.
   *
   * @param weightCol the sample-weight column's name
   */
  public String problems(
      String featuresCol, String labelCol, int expectedLength, String expectedFrom,
      String labelRule, String weightCol) {
    List<String> p = new ArrayList<>();
    if (rows == 0) {
      return "The training DataFrame is empty (0 rows): there is nothing to fit. Check the filter"
          + " or the path that produced it.";
    }
    if (nullFeatures > 0) {
      p.add("Column " + featuresCol + " is null in " + nullFeatures + " of " + rows
          + " rows. Drop them (na.drop()) or impute them before fitting.");
    }
    if (raggedFeatures > 0) {
      p.add("Column " + featuresCol + " holds sequences whose steps differ in length in "
          + raggedFeatures + " of " + rows + " rows. Pad every step to the same number of"
          + " features.");
    }
    int expected = expectedLength;
    if (expected < 0 && !lengths.isEmpty()) {
      expected = lengths.entrySet().stream().max(Map.Entry.comparingByValue()).get().getKey();
      expectedFrom = "the most common length in the data";
    }
    long wrong = 0;
    StringBuilder found = new StringBuilder();
    for (Map.Entry<Integer, Long> e : lengths.entrySet()) {
      if (e.getKey() != expected) {
        wrong += e.getValue();
        found.append(found.length() == 0 ? "" : ", ").append(e.getValue()).append(" rows of ")
            .append(e.getKey());
      }
    }
    if (wrong > 0) {
      p.add("Column " + featuresCol + " holds feature vectors of inconsistent length: expected "
          + expected + " values (" + expectedFrom + "), found " + found + " (" + wrong + " of "
          + rows + " rows). Make every vector the same length, e.g. with VectorAssembler over"
          + " the same columns, or fix the network's input shape.");
    }
    if (nonFiniteFeatures > 0) {
      p.add("Column " + featuresCol + " holds NaN, infinite or null values in "
          + nonFiniteFeatures + " of " + rows + " rows. Impute them (Imputer) or drop those"
          + " rows before fitting.");
    }
    if (!featureExamples.isEmpty()) {
      p.add("Examples of bad feature values: " + featureExamples + ".");
    }
    if (nullLabels > 0) {
      p.add("Column " + labelCol + " is null in " + nullLabels + " of " + rows + " rows.");
    }
    if (badLabels > 0) {
      p.add("Column " + labelCol + " must hold " + labelRule + ", but " + badLabels + " of "
          + rows + " rows hold other values, e.g. " + String.join(", ", labelExamples) + ".");
    }
    if (badWeights > 0) {
      p.add("Column " + weightCol + " (weightCol) must hold finite sample weights >= 0, but "
          + badWeights + " of " + rows + " rows hold other values, e.g. "
          + String.join(", ", weightExamples) + ". Fill or drop them (na.fill, filter), or"
          + " clip negative weights to 0.");
    }
    if (zeroWeights == rows - nullFeatures - raggedFeatures - nonFiniteFeatures - nullLabels
        - badLabels - badWeights && zeroWeights > 0 && p.isEmpty()) {
      p.add("Every row weighs 0 (weightCol " + weightCol + " times classWeight): there is"
          + " nothing to fit. Check the weights.");
    }
    return p.isEmpty() ? null : String.join("\n", p);
  }
}
