package dev.sparkdl.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.data.ConversionReport;
import dev.sparkdl.data.FloatRows;
import dev.sparkdl.data.PartitionData;
import dev.sparkdl.engine.Network;
import dev.sparkdl.engine.WeightSnapshot;
import dev.sparkdl.ml.NeuralNetClassificationModel;
import dev.sparkdl.ml.NeuralNetClassifier;
import dev.sparkdl.spec.CompileOptions;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Loss;
import dev.sparkdl.spec.Optimizer;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
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
import org.junit.jupiter.api.Test;

/**
 * The plain average is data-parallel SGD: averaging after every step, on equal shards, with SGD
 * and no BatchNormalization, gives the weights of one machine training on minibatches N times
 * as large (each the union of the partitions' minibatches of that step).
 */
class AveragingEquivalenceTest {
  private static final int WORKERS = 4;
  private static final int ROWS_PER_WORKER = 48;
  private static final int BATCH = 12;
  private static final int FEATURES = 6;
  private static final int CLASSES = 3;
  private static final int EPOCHS = 3;
  private static final long SEED = 11;

  private final SparkSession spark = TestSpark.session();

  @Test
  void everyStepAveragedEqualsOneMachineWithNTimesTheBatch() {
    float[][] x = new float[WORKERS * ROWS_PER_WORKER][FEATURES];
    int[] y = new int[x.length];
    Random rnd = new Random(3);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      double[] v = new double[FEATURES];
      for (int j = 0; j < FEATURES; j++) {
        x[i][j] = (float) rnd.nextGaussian();
        v[j] = x[i][j];
      }
      y[i] = (x[i][0] + x[i][1] > 0.5 ? 2 : x[i][2] > 0 ? 1 : 0);
      rows.add(RowFactory.create(Vectors.dense(v), (double) y[i]));
    }
    StructType schema = new StructType(new StructField[] {
      new StructField("features", SQLDataTypes.VectorType(), false, Metadata.empty()),
      new StructField("label", DataTypes.DoubleType, false, Metadata.empty())
    });
    // parallelize slices in order: partition p holds rows [p * 48, (p + 1) * 48)
    Dataset<Row> df = spark.createDataFrame(
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, WORKERS), schema);

    Sequential net = Sequential.of(Dense.units(8).activation("tanh"),
        Dense.units(CLASSES).activation("softmax")).inputShape(FEATURES);
    Optimizer sgd = new Optimizer.SGD(0.1, 0, false);
    NeuralNetClassificationModel model = new NeuralNetClassifier().setAveraging(Averaging.plain())
        .setLayers(net).setLoss("categorical_crossentropy").setOptimizer(sgd)
        .setBatchSize(BATCH).setEpochs(EPOCHS).setNumWorkers(WORKERS).setAveragingFrequency(1)
        .setSeed(SEED).setVerbose(0).fit(df);
    assertEquals(EPOCHS * ROWS_PER_WORKER / BATCH, model.state().rounds().size());

    WeightSnapshot expected;
    try (Network one = Network.create(net,
        new CompileOptions(Loss.of("categorical_crossentropy"), sgd, List.of()), SEED)) {
      // each partition keeps its rows in the order of their content (PartitionData.canonical)
      float[][][] px = new float[WORKERS][ROWS_PER_WORKER][];
      int[][] py = new int[WORKERS][ROWS_PER_WORKER];
      for (int p = 0; p < WORKERS; p++) {
        FloatRows xs = new FloatRows(FEATURES);
        FloatRows ys = new FloatRows(1);
        for (int i = 0; i < ROWS_PER_WORKER; i++) {
          xs.append(x[p * ROWS_PER_WORKER + i], 0);
          ys.append(new float[] {y[p * ROWS_PER_WORKER + i]}, 0);
        }
        PartitionData.Split stored = new PartitionData(new PartitionData.Split(xs, ys),
            new PartitionData.Split(new FloatRows(FEATURES), new FloatRows(1)),
            new ConversionReport()).canonical().train();
        for (int i = 0; i < ROWS_PER_WORKER; i++) {
          px[p][i] = new float[FEATURES];
          stored.x().copyRow(i, px[p][i], 0);
          py[p][i] = (int) stored.y().get(i, 0);
        }
      }
      for (int epoch = 1; epoch <= EPOCHS; epoch++) {
        int[][] orders = new int[WORKERS][];
        for (int p = 0; p < WORKERS; p++) {
          orders[p] = Minibatches.order(ROWS_PER_WORKER, SEED, epoch, p);
        }
        for (int b = 0; b < ROWS_PER_WORKER / BATCH; b++) {
          int n = WORKERS * BATCH;
          float[] xb = new float[n * FEATURES];
          float[] yb = new float[n * CLASSES];
          int at = 0;
          for (int p = 0; p < WORKERS; p++) {
            for (int i = b * BATCH; i < (b + 1) * BATCH; i++) {
              int r = orders[p][i];
              System.arraycopy(px[p][r], 0, xb, at * FEATURES, FEATURES);
              yb[at * CLASSES + py[p][r]] = 1;
              at++;
            }
          }
          one.trainBatch(xb, yb, n);
        }
      }
      expected = one.weights();
    }
    WeightSnapshot actual = model.state().weights();
    double maxDiff = 0;
    double maxChange = 0;
    try (Network init = Network.create(net, null, SEED)) {
      WeightSnapshot initial = init.weights();
      for (int i = 0; i < expected.size(); i++) {
        for (int j = 0; j < expected.values(i).length; j++) {
          maxDiff = Math.max(maxDiff, Math.abs(expected.values(i)[j] - actual.values(i)[j]));
          maxChange = Math.max(maxChange,
              Math.abs(expected.values(i)[j] - initial.values(i)[j]));
        }
      }
    }
    assertTrue(maxChange > 0.05, "training moved the weights by at most " + maxChange);
    assertTrue(maxDiff <= 1e-5, "max |distributed - one machine| = " + maxDiff);
  }
}
