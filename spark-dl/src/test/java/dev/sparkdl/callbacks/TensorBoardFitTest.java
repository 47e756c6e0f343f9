package dev.sparkdl.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.data.Datasets;
import dev.sparkdl.ml.NeuralNetClassificationModel;
import dev.sparkdl.ml.NeuralNetClassifier;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.TestSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;

/**
 * The TensorBoard callback in a real fit, given as Keras' serialized form in the estimator's
 * param: every record's CRCs verify, every Event parses with TensorFlow's own proto classes, and
 * the scalars are the history's values at Keras' steps (epoch index from 0).
 */
class TensorBoardFitTest {
  @TempDir Path dir;

  @Test
  void eventFilesHoldTheHistory() throws Exception {
    Path logDir = dir.resolve("tb");
    NeuralNetClassificationModel model = new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(8).activation("relu"),
            Dense.units(3).activation("softmax")))
        .setOptimizer("adam").setLearningRate(0.02).setEpochs(3).setBatchSize(16)
        .setNumWorkers(2).setSeed(4).setVerbose(0).setValidationSplit(0.25)
        .setCallbacks("[{\"class_name\": \"TensorBoard\", \"config\": {\"log_dir\": \"" + logDir
            + "\", \"histogram_freq\": 1}}]")
        .fit(Datasets.iris(TestSpark.session()));
    History h = model.history();
    List<Event> train = TensorBoardTest.events(logDir.resolve("train"));
    List<Event> validation = TensorBoardTest.events(logDir.resolve("validation"));
    assertEquals("brain.Event:2", train.get(0).getFileVersion());
    Map<String, Map<Long, Float>> t = TensorBoardTest.scalars(train);
    Map<String, Map<Long, Float>> v = TensorBoardTest.scalars(validation);
    for (int e = 0; e < 3; e++) {
      long step = e;
      assertEquals((float) h.get("loss")[e], t.get("epoch_loss").get(step), "loss " + e);
      assertEquals((float) h.get("accuracy")[e], t.get("epoch_accuracy").get(step));
      assertEquals((float) h.get("learning_rate")[e], t.get("epoch_learning_rate").get(step));
      assertEquals((float) h.get("val_loss")[e], v.get("epoch_loss").get(step));
      assertEquals((float) h.get("val_accuracy")[e], v.get("epoch_accuracy").get(step));
    }
    assertEquals(3, t.get("epoch_loss").size());
    assertEquals(model.state().rounds().size(), t.get("round_seconds").size(),
        "one round_seconds scalar per averaging round");
    Set<String> histograms = train.stream().flatMap(ev -> ev.getSummary().getValueList().stream())
        .filter(x -> x.getValueCase() == Summary.Value.ValueCase.HISTO).map(Summary.Value::getTag)
        .collect(Collectors.toSet());
    assertEquals(Set.of("dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"),
        histograms.stream().map(s -> s.replace("/histogram", "")).collect(Collectors.toSet()),
        histograms.toString());
    String text = train.stream().flatMap(ev -> ev.getSummary().getValueList().stream())
        .filter(x -> x.hasTensor()).map(x -> x.getTensor().getStringVal(0).toStringUtf8())
        .findFirst().orElse("");
    assertTrue(text.contains("Total params: 67"), text);
  }

  @Test
  void aDistributionsNllAndCoverageReachTensorBoard() throws Exception {
    Path logDir = dir.resolve("tb-normal");
    org.apache.spark.sql.SparkSession spark = TestSpark.session();
    java.util.SplittableRandom r = new java.util.SplittableRandom(5);
    List<org.apache.spark.sql.Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 400; i++) {
      double x = r.nextDouble(-1, 1);
      rows.add(org.apache.spark.sql.RowFactory.create(
          org.apache.spark.ml.linalg.Vectors.dense(x), 2 * x + 0.3 * (r.nextDouble() - 0.5)));
    }
    var data = spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType()
        .add("features", org.apache.spark.ml.linalg.SQLDataTypes.VectorType())
        .add("label", org.apache.spark.sql.types.DataTypes.DoubleType));
    var model = new dev.sparkdl.ml.NeuralNetRegressor().setDistribution("normal")
        .setIntervalLevel(0.9).setLayers(Sequential.of(Dense.units(2)))
        .setOptimizer("adam").setLearningRate(0.05).setEpochs(2).setBatchSize(32)
        .setNumWorkers(2).setSeed(6).setVerbose(0).setValidationSplit(0.25)
        .setCallbacks("[{\"class_name\": \"TensorBoard\", \"config\": {\"log_dir\": \""
            + logDir + "\"}}]")
        .fit(data);
    History h = model.history();
    Map<String, Map<Long, Float>> t =
        TensorBoardTest.scalars(TensorBoardTest.events(logDir.resolve("train")));
    Map<String, Map<Long, Float>> v =
        TensorBoardTest.scalars(TensorBoardTest.events(logDir.resolve("validation")));
    for (int e = 0; e < 2; e++) {
      assertEquals((float) h.get("nll")[e], t.get("epoch_nll").get((long) e));
      assertEquals((float) h.get("coverage_90")[e], t.get("epoch_coverage_90").get((long) e));
      assertEquals((float) h.get("val_nll")[e], v.get("epoch_nll").get((long) e));
      // no regularizers: the NLL is the loss
      assertEquals(h.get("loss")[e], h.get("nll")[e], 1e-4);
    }
  }
}
