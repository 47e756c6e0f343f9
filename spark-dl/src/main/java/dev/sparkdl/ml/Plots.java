package dev.sparkdl.ml;

import dev.sparkdl.data.ColumnChecks;
import dev.sparkdl.plot.DecisionBoundaryPlot;
import dev.sparkdl.plot.HistoryPlot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.stat.Summarizer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * The models' plots: the data they need from Spark collected on the driver, handed to {@link
 * dev.sparkdl.plot}.
 */
final class Plots {
  /** Rows drawn as points at most; larger data sets are sampled (seeded) down to about this. */
  static final int MAX_POINTS = 10_000;
  private static final long SAMPLE_SEED = 42L;

  private Plots() {}

  static void history(NeuralNetModel model, String path, int width, int height, boolean sized) {
    if (model.history().size() == 0) {
      throw new IllegalStateException("This model has no training history (0 epochs), so there"
          + " is nothing to plot. A model fitted with epochs >= 1 records one entry per epoch,"
          + " and save/load keeps it.");
    }
    HistoryPlot plot = HistoryPlot.of(model.history());
    if (sized) {
      plot = plot.withSize(width, height);
    }
    plot.write(path, hadoopConf(null));
  }

  static void decisionBoundary(NeuralNetClassificationModel model, Dataset<?> data,
      int xFeature, int yFeature, String path, int width, int height) {
    ModelState state = model.state();
    if (state.contract().inputShape().size() != 1) {
      throw new IllegalArgumentException("A decision boundary needs flat feature vectors; this"
          + " model's input shape is " + state.contract().inputShape() + ".");
    }
    int n = model.numFeatures();
    checkIndex("xFeature", xFeature, n);
    checkIndex("yFeature", yFeature, n);
    if (xFeature == yFeature) {
      throw new IllegalArgumentException("xFeature and yFeature are both " + xFeature
          + ": choose two different features.");
    }
    String featuresCol = model.getFeaturesCol();
    String labelCol = model.getLabelCol();
    StructField featuresField = ColumnChecks.features(data.schema(), featuresCol);
    StructField labelField = ColumnChecks.field(data.schema(), labelCol, "label");
    if (!(labelField.dataType() instanceof NumericType)
        && !ColumnChecks.isVector(labelField.dataType())) {
      throw new IllegalArgumentException("The label column '" + labelCol + "' is "
          + labelField.dataType().simpleString() + "; the points need class indices (numbers) or"
          + " one-hot/probability vectors. Index string labels with StringIndexer first.");
    }
    String[] names = featureNames(featuresField, n);

    Column features = ColumnChecks.isVector(featuresField.dataType()) ? functions.col(featuresCol)
        : org.apache.spark.ml.functions.array_to_vector(functions.col(featuresCol));
    Dataset<Row> rows = data.toDF().select(features.as("f"), functions.col(labelCol).as("l"))
        .where(functions.col("f").isNotNull().and(functions.col("l").isNotNull()));
    double[] means = n > 2 ? means(rows) : new double[n];
    long count = rows.count();
    if (count == 0) {
      throw new IllegalArgumentException("The data has no rows with both features and a label:"
          + " there is nothing to plot.");
    }
    if (count > MAX_POINTS) {
      rows = rows.sample(false, Math.min(1.0, 1.1 * MAX_POINTS / count), SAMPLE_SEED)
          .limit(MAX_POINTS);
    }
    List<Row> collected = rows.collectAsList();
    double[] x = new double[collected.size()];
    double[] y = new double[collected.size()];
    int[] labels = new int[collected.size()];
    boolean numericLabel = labelField.dataType() instanceof NumericType;
    for (int i = 0; i < x.length; i++) {
      Vector f = collected.get(i).getAs(0);
      if (f.size() != n) {
        throw new IllegalArgumentException("The model expects " + n + " features; a row of column "
            + featuresCol + " has " + f.size() + ".");
      }
      x[i] = f.apply(xFeature);
      y[i] = f.apply(yFeature);
      labels[i] = numericLabel ? (int) ((Number) collected.get(i).get(1)).doubleValue()
          : ((Vector) collected.get(i).get(1)).argmax();
    }

    DecisionBoundaryPlot plot = DecisionBoundaryPlot.of(x, y, labels)
        .withFeatureNames(names[xFeature], names[yFeature])
        .withClassNames(classNames(labelField, model.numClasses()))
        .withTitle("Decision boundary" + others(names, xFeature, yFeature))
        .withSize(width, height);
    double[] thresholds = model.isDefined(model.thresholds()) ? model.getThresholds() : null;
    boolean sigmoid = state.contract().isBinarySigmoid();
    int classes = model.numClasses();
    plot.write(path, hadoopConf(data.sparkSession()), points -> {
      float[] in = new float[points.length * n];
      for (int i = 0; i < points.length; i++) {
        for (int j = 0; j < n; j++) {
          in[i * n + j] = (float) means[j];
        }
        in[i * n + xFeature] = (float) points[i][0];
        in[i * n + yFeature] = (float) points[i][1];
      }
      float[] act = Scoring.predictBatch(state, in, points.length);
      int width1 = sigmoid ? 1 : classes;
      int[] out = new int[points.length];
      double[] p = new double[classes];
      for (int i = 0; i < points.length; i++) {
        if (sigmoid) {
          p[1] = act[i];
          p[0] = 1 - p[1];
        } else {
          for (int k = 0; k < classes; k++) {
            p[k] = act[i * width1 + k];
          }
        }
        out[i] = (int) ClassifierOutputs.predict(p, thresholds);
      }
      return out;
    });
  }

  /**
   * @param name a feature's name in the features column's ML attributes (VectorAssembler
   *     records its input columns' names)
   * @return its index
   */
  static int featureIndex(Dataset<?> data, String featuresCol, int numFeatures, String name) {
    StructField f = ColumnChecks.features(data.schema(), featuresCol);
    List<String> names = Arrays.asList(featureNames(f, numFeatures));
    int i = names.indexOf(name);
    if (i < 0) {
      boolean named = !names.get(0).equals("feature 0");
      throw new IllegalArgumentException("No feature named \"" + name + "\" in column "
          + featuresCol + ". " + (named ? "Its features: " + String.join(", ", names) + "."
          : "The column carries no feature names (ML attributes, as VectorAssembler writes"
              + " them); give feature indices 0 to " + (numFeatures - 1) + " instead."));
    }
    return i;
  }

  /** @return each feature's name from the column's ML attributes, else "feature i" */
  static String[] featureNames(StructField features, int numFeatures) {
    String[] names = new String[numFeatures];
    for (int i = 0; i < numFeatures; i++) {
      names[i] = "feature " + i;
    }
    try {
      AttributeGroup g = AttributeGroup.fromStructField(features);
      if (g.attributes().isDefined() && g.attributes().get().length == numFeatures) {
        Attribute[] a = g.attributes().get();
        boolean all = true;
        for (Attribute attr : a) {
          all &= attr.name().isDefined();
        }
        if (all) {
          for (int i = 0; i < numFeatures; i++) {
            names[i] = a[i].name().get();
          }
        }
      }
    } catch (RuntimeException e) {
      // no or malformed attributes: keep the positional names
    }
    return names;
  }

  /** @return how the title names the features held at their mean ("" for none) */
  private static String others(String[] names, int xFeature, int yFeature) {
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      if (i != xFeature && i != yFeature) {
        rest.add(names[i]);
      }
    }
    if (rest.isEmpty()) {
      return "";
    }
    if (rest.size() == 1) {
      return " (" + rest.get(0) + " held at its mean)";
    }
    return rest.size() <= 3 ? " (" + String.join(", ", rest) + " held at their means)"
        : " (the other " + rest.size() + " features held at their means)";
  }

  private static List<String> classNames(StructField label, int classes) {
    List<String> names = new ArrayList<>();
    try {
      if (Attribute.fromStructField(label) instanceof NominalAttribute a
          && a.values().isDefined() && a.values().get().length == classes) {
        names.addAll(Arrays.asList(a.values().get()));
      }
    } catch (RuntimeException e) {
      // no or malformed attributes: "class k"
    }
    return names;
  }

  private static double[] means(Dataset<Row> rows) {
    Row r = rows.select(Summarizer.mean(functions.col("f"))).first();
    return r.<Vector>getAs(0).toArray();
  }

  private static void checkIndex(String which, int index, int numFeatures) {
    if (index < 0 || index >= numFeatures) {
      throw new IllegalArgumentException(which + " " + index + " is not a feature index: the model"
          + " has " + numFeatures + " features, indices 0 to " + (numFeatures - 1) + ".");
    }
  }

  /** The session's Hadoop configuration (the given one, the active or default one), or a new one. */
  static Configuration hadoopConf(SparkSession given) {
    SparkSession s = given;
    if (s == null) {
      s = SparkSession.getActiveSession().isDefined() ? SparkSession.getActiveSession().get()
          : SparkSession.getDefaultSession().isDefined() ? SparkSession.getDefaultSession().get()
          : null;
    }
    return s == null ? new Configuration() : s.sparkContext().hadoopConfiguration();
  }
}
