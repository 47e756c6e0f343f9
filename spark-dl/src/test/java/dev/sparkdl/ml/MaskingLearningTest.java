package dev.sparkdl.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.spec.Bidirectional;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Embedding;
import dev.sparkdl.spec.Recurrent;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The text-classification tutorial's shape, Embedding(mask_zero=True) → Bidirectional(LSTM) →
 * Dense → Dense, learns a toy text task through the Spark estimator, and its predictions do not
 * depend on where the padding goes.
 */
class MaskingLearningTest {
  private final SparkSession spark = TestSpark.session();
  private static final int LENGTH = 12;
  private static final int VOCAB = 20;

  /**
   * Sequences of 2 to 12 tokens from 1..19, padded with 0 to 12 (after, or before when {@code
   * prePadded}, or at a random side); the label is whether token 7 occurs. Half the sequences
   * hold a 7.
   */
  private Dataset<Row> texts(int n, long seed, Boolean prePadded) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int len = 2 + rnd.nextInt(LENGTH - 1);
      boolean seven = rnd.nextBoolean();
      List<Double> tokens = new ArrayList<>();
      for (int t = 0; t < len; t++) {
        int tok = 1 + rnd.nextInt(VOCAB - 2);
        tokens.add((double) (tok >= 7 ? tok + 1 : tok)); // anything but 7
      }
      if (seven) {
        tokens.set(rnd.nextInt(len), 7.0);
      }
      boolean pre = prePadded == null ? rnd.nextBoolean() : prePadded;
      List<Double> padded = new ArrayList<>();
      for (int t = 0; t < LENGTH - len; t++) {
        padded.add(0.0);
      }
      if (pre) {
        padded.addAll(tokens);
      } else {
        padded.addAll(0, tokens);
      }
      rows.add(RowFactory.create(padded, seven ? 1.0 : 0.0));
    }
    StructType schema = new StructType(new StructField[] {
      new StructField("features", DataTypes.createArrayType(DataTypes.DoubleType), false,
          Metadata.empty()),
      new StructField("label", DataTypes.DoubleType, false, Metadata.empty())
    });
    return spark.createDataFrame(rows, schema);
  }

  @Test
  void maskedBidirectionalLstmFindsTheTokenWhereverThePaddingIs() {
    NeuralNetClassificationModel model = new NeuralNetClassifier()
        .setLayers(Sequential.of(Embedding.of(VOCAB, 8).maskZero(true),
            Bidirectional.of(Recurrent.lstm(8)), Dense.units(8).activation("relu"),
            Dense.units(1).activation("sigmoid")))
        .setOptimizer("adam").setLearningRate(0.02).setEpochs(8).setBatchSize(32)
        .setNumWorkers(2).setSeed(5).setVerbose(0).fit(texts(640, 1, null));
    assertEquals(List.of(LENGTH), model.network().inputShape());
    List<Row> post = model.transform(texts(300, 2, false)).select("probability", "label")
        .collectAsList();
    List<Row> pre = model.transform(texts(300, 2, true)).select("probability").collectAsList();
    int right = 0;
    double maxDiff = 0;
    for (int i = 0; i < post.size(); i++) {
      double p = ((Vector) post.get(i).get(0)).apply(1);
      double q = ((Vector) pre.get(i).get(0)).apply(1);
      maxDiff = Math.max(maxDiff, Math.abs(p - q));
      right += (p >= 0.5 ? 1.0 : 0.0) == post.get(i).getDouble(1) ? 1 : 0;
    }
    double acc = right / (double) post.size();
    System.out.println("Embedding(mask_zero) + Bidirectional(LSTM(8)) held-out accuracy " + acc
        + ", max |p(post-padded) - p(pre-padded)| " + maxDiff);
    assertTrue(acc >= 0.9, "held-out accuracy " + acc + " (chance: 0.5)");
    assertTrue(maxDiff < 1e-5, "the padding's side changes predictions by " + maxDiff);
  }

  /** A network whose output still carries the mask is refused when fit starts, before a job. */
  @Test
  void anOutputCarryingTheMaskIsRefusedAtFitStart() {
    NeuralNetClassifier c = new NeuralNetClassifier().setLayers(Sequential.of(
        Embedding.of(VOCAB, 4).maskZero(true), Recurrent.lstm(3).returnSequences(true),
        Dense.units(1).activation("sigmoid")));
    String m = org.junit.jupiter.api.Assertions.assertThrows(
        dev.sparkdl.spec.SpecException.class, () -> c.fit(texts(8, 3, false))).getMessage();
    assertTrue(m.contains("Layer 2 (Dense): the network's output still carries the mask"), m);
  }
}
