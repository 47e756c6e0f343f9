package dev.sparkdl.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.spec.Bidirectional;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Recurrent;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** A Bidirectional LSTM learns a sequence task through the Spark estimator. */
class BidirectionalLearningTest {
  private final SparkSession spark = TestSpark.session();
  private static final int STEPS = 8;

  /**
   * Noise sequences of 8 steps with one marker (value 1) at a uniform position; the label is
   * whether the marker is in the second half. The forward reading sees how long ago the marker
   * was, the backward reading how soon it came: the merged last states tell the halves apart.
   */
  private Dataset<Row> sequences(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int marker = rnd.nextInt(STEPS);
      List<List<Double>> seq = new ArrayList<>();
      for (int t = 0; t < STEPS; t++) {
        seq.add(List.of(t == marker ? 1.0 : rnd.nextDouble(-0.2, 0.2)));
      }
      rows.add(RowFactory.create(seq, marker >= STEPS / 2 ? 1.0 : 0.0));
    }
    StructType schema = new StructType(new StructField[] {
      new StructField("features", DataTypes.createArrayType(
          DataTypes.createArrayType(DataTypes.DoubleType)), false, Metadata.empty()),
      new StructField("label", DataTypes.DoubleType, false, Metadata.empty())
    });
    return spark.createDataFrame(rows, schema);
  }

  @Test
  void bidirectionalLstmTellsWhichHalfHoldsTheMarker() {
    NeuralNetClassificationModel model = new NeuralNetClassifier()
        .setLayers(Sequential.of(Bidirectional.of(Recurrent.lstm(6)),
            Dense.units(1).activation("sigmoid")))
        .setOptimizer("adam").setLearningRate(0.02).setEpochs(10).setBatchSize(32)
        .setNumWorkers(2).setSeed(11).setVerbose(0).fit(sequences(512, 1));
    assertEquals(List.of(STEPS, 1), model.network().inputShape());
    double acc = ClassifierLearningTest.accuracy(model.transform(sequences(300, 2)));
    System.out.println("Bidirectional(LSTM(6)) held-out accuracy " + acc);
    assertTrue(acc >= 0.9, "Bidirectional LSTM held-out accuracy " + acc + " (chance: 0.5)");
  }
}
