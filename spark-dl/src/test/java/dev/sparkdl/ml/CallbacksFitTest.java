package dev.sparkdl.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.callbacks.BackupAndRestore;
import dev.sparkdl.callbacks.Callback;
import dev.sparkdl.callbacks.CsvLogger;
import dev.sparkdl.callbacks.EarlyStopping;
import dev.sparkdl.callbacks.History;
import dev.sparkdl.callbacks.ModelCheckpoint;
import dev.sparkdl.callbacks.ReduceLROnPlateau;
import dev.sparkdl.callbacks.TerminateOnNaN;
import dev.sparkdl.callbacks.TrainingContext;
import dev.sparkdl.data.Datasets;
import dev.sparkdl.engine.NonFiniteLossException;
import dev.sparkdl.engine.WeightSnapshot;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keras callbacks in real fits (Spark local[2], DJL/PyTorch): each outcome is checked against
 * what the history implies, computed here independently of the callback's code.
 */
class CallbacksFitTest {
  private static final SparkSession SPARK = TestSpark.session();
  /** Standardised iris with a seeded boolean column marking about a quarter of rows. */
  private static Dataset<Row> iris;

  @TempDir Path dir;

  @BeforeAll
  static void data() {
    Dataset<Row>[] split = ClassifierLearningTest.scaledSplit(Datasets.iris(SPARK), 0.0001, 3);
    iris = split[0].withColumn("isVal", functions.rand(11).lt(0.25)).repartition(2).cache();
  }

  private static NeuralNetClassifier classifier(double lr, int epochs) {
    return new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(16).activation("relu"),
            Dense.units(3).activation("softmax")))
        .setOptimizer("adam").setLearningRate(lr).setEpochs(epochs).setBatchSize(16)
        .setNumWorkers(2).setSeed(5).setVerbose(0).setValidationIndicatorCol("isVal");
  }

  /** Mean categorical cross-entropy of the model on the rows marked for validation. */
  private static double validationLoss(NeuralNetClassificationModel model) {
    List<Row> rows = model.transform(iris.filter("isVal")).select("probability", "label")
        .collectAsList();
    double sum = 0;
    for (Row r : rows) {
      double p = ((Vector) r.get(0)).apply((int) r.getDouble(1));
      sum += -Math.log(Math.max(p, 1e-7));
    }
    return sum / rows.size();
  }

  /** Keras 3's EarlyStopping rule (mode min, min_delta 0, no baseline) replayed on a history. */
  private static int expectedStop(double[] monitored, int patience) {
    double best = Double.POSITIVE_INFINITY;
    int wait = 0;
    for (int i = 0; i < monitored.length; i++) {
      wait++;
      if (monitored[i] < best) {
        best = monitored[i];
        wait = 0;
        continue;
      }
      if (wait >= patience && i > 0) {
        return i + 1;
      }
    }
    return 0;
  }

  @Test
  void earlyStoppingStopsWhereTheHistorySaysAndRestoresTheBestEpoch() {
    EarlyStopping es = new EarlyStopping("val_loss", 3, true);
    NeuralNetClassificationModel model = classifier(0.08, 150).setCallbacks(es).fit(iris);
    History h = model.history();
    double[] val = h.get("val_loss");
    int stop = expectedStop(val, 3);
    assertTrue(stop > 0 && stop < 150, "the run must stop early; val_loss " + List.of(val));
    assertEquals(stop, h.size(), "stopped at the epoch the history implies");
    double best = java.util.Arrays.stream(val).min().getAsDouble();
    double restored = validationLoss(model);
    assertEquals(best, restored, 1e-5 * Math.max(1, best),
        "the restored model's validation loss is the best epoch's");
    assertNotEquals(val[val.length - 1], restored, 1e-6, "the last epoch was not the best");
    long validationRows = iris.filter("isVal").count();
    assertEquals(validationRows, model.state().validationRows());
  }

  @Test
  void crossValidatorFoldsStopEachOnTheirOwn() {
    NeuralNetClassifier est = classifier(0.08, 150).setValidationSplit(0.25)
        .setCallbacks("[{\"class_name\": \"EarlyStopping\", \"config\": {\"monitor\":"
            + " \"val_loss\", \"patience\": 3}}]");
    est.clear(est.validationIndicatorCol());
    org.apache.spark.ml.tuning.CrossValidatorModel cv = new org.apache.spark.ml.tuning.CrossValidator()
        .setEstimator(est)
        .setEstimatorParamMaps(new org.apache.spark.ml.tuning.ParamGridBuilder()
            .addGrid(est.learningRate(), new double[] {0.08, 0.04}).build())
        .setEvaluator(new org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator()
            .setMetricName("accuracy"))
        .setNumFolds(2).setSeed(7).setCollectSubModels(true).fit(iris.drop("isVal"));
    java.util.Set<Integer> sizes = new java.util.HashSet<>();
    for (org.apache.spark.ml.Model<?>[] fold : cv.subModels()) {
      for (org.apache.spark.ml.Model<?> m : fold) {
        History h = ((NeuralNetClassificationModel) m).history();
        int stop = expectedStop(h.get("val_loss"), 3);
        assertTrue(stop > 0 && stop < 150, "each fit stops early: " + List.of(h.get("val_loss")));
        assertEquals(stop, h.size(), "each fit stops where its own history says");
        sizes.add(h.size());
      }
    }
    assertTrue(sizes.size() > 1, "fresh callback state per fit: the fits stop at different"
        + " epochs " + sizes);
    assertTrue(ClassifierLearningTest.accuracy(cv.transform(iris)) > 0.85);
  }

  @Test
  void reduceLrOnPlateauLowersTheRateWhereTheHistorySays() {
    NeuralNetClassificationModel model = classifier(0.05, 14)
        .setCallbacks(new ReduceLROnPlateau("val_loss", 0.5, 1, 0, "auto", 0.02, 0, 0.001))
        .fit(iris);
    double[] val = model.history().get("val_loss");
    double[] lr = model.history().get("learning_rate");
    double rate = 0.05;
    double best = Double.POSITIVE_INFINITY;
    int wait = 0;
    int reductions = 0;
    for (int i = 0; i < val.length; i++) {
      assertEquals(rate, lr[i], 0.0, "epoch " + (i + 1) + " rate; val_loss " + List.of(val));
      if (val[i] < best - 0.02) {
        best = val[i];
        wait = 0;
      } else if (++wait >= 1 && rate > 0.001) {
        rate = Math.max(rate * 0.5, 0.001);
        wait = 0;
        reductions++;
      }
    }
    assertTrue(reductions >= 2, "the plateau must lower the rate; val_loss " + List.of(val));
  }

  @Test
  void schedulesSetEveryEpochsRateByTheirFormula() {
    // one worker: 112-ish training rows, batch 16 -> k steps per epoch
    String adam = "{\"class_name\": \"Adam\", \"config\": {\"learning_rate\": {\"class_name\":"
        + " \"ExponentialDecay\", \"config\": {\"initial_learning_rate\": 0.02, \"decay_steps\":"
        + " 5, \"decay_rate\": 0.5}}}}";
    NeuralNetClassifier est = classifier(0.01, 5).setOptimizer(adam).setNumWorkers(1);
    est.clear(est.learningRate());
    NeuralNetClassificationModel model = est.fit(iris);
    long train = model.state().trainRows();
    long k = (train + 15) / 16;
    double[] lr = model.history().get("learning_rate");
    for (int e = 1; e <= 5; e++) {
      assertEquals(0.02 * Math.pow(0.5, e * k / 5.0), lr[e - 1], 1e-12, "epoch " + e);
    }
    assertTrue(model.history().last("accuracy") > 0.8, "trains with the schedule");

    // LearningRateScheduler in Keras' serialized form: the epoch index is the schedule's step
    NeuralNetClassificationModel m2 = classifier(0.01, 6).setCallbacks("[{\"class_name\":"
        + " \"LearningRateScheduler\", \"config\": {\"schedule\": {\"class_name\":"
        + " \"PiecewiseConstantDecay\", \"config\": {\"boundaries\": [1, 3], \"values\": [0.02,"
        + " 0.01, 0.005]}}}}]").fit(iris);
    assertArrayEquals(new double[] {0.02, 0.02, 0.01, 0.01, 0.005, 0.005},
        m2.history().get("learning_rate"), 0.0);
  }

  @Test
  void csvLoggerCheckpointsAndTensorBoardFromTheParamSurviveEstimatorSaveAndLoad()
      throws IOException {
    String csv = dir.resolve("log/train.csv").toString();
    String ckpt = dir.resolve("ckpt/model-{epoch:02d}-{val_loss:.3f}").toString();
    String tb = dir.resolve("tb").toString();
    NeuralNetClassifier est = classifier(0.03, 4).setCallbacks(new CsvLogger(csv),
        new ModelCheckpoint(ckpt),
        dev.sparkdl.callbacks.Callbacks.fromJson("[{\"class_name\": \"TensorBoard\", \"config\":"
            + " {\"log_dir\": \"" + tb + "\", \"histogram_freq\": 1}}]").get(0));
    String saved = dir.resolve("estimator").toString();
    est.save(saved);
    NeuralNetClassifier loaded = NeuralNetClassifier.load(saved);
    assertEquals(est.getCallbacksJson(), loaded.getCallbacksJson());
    assertEquals(List.of("CsvLogger", "ModelCheckpoint", "TensorBoard"),
        loaded.getCallbacks().stream().map(c -> c.getClass().getSimpleName()).toList());

    NeuralNetClassificationModel model = loaded.fit(iris);
    History h = model.history();
    List<String> lines = Files.readAllLines(Path.of(csv));
    List<String> keys = new java.util.ArrayList<>(h.keys());
    java.util.Collections.sort(keys);
    assertEquals("epoch," + String.join(",", keys), lines.get(0));
    assertEquals(h.size() + 1, lines.size());
    for (int e = 0; e < h.size(); e++) {
      String[] f = lines.get(e + 1).split(",");
      assertEquals(Integer.toString(e), f[0]);
      for (int k = 0; k < keys.size(); k++) {
        assertEquals(h.get(keys.get(k))[e], Double.parseDouble(f[k + 1]), 0.0, keys.get(k));
      }
    }
    // one checkpoint per epoch, named from the epoch and its val_loss; the last is the model
    for (int e = 1; e <= 4; e++) {
      String name = String.format(java.util.Locale.ROOT, "model-%02d-%.3f", e,
          h.get("val_loss")[e - 1]);
      assertTrue(Files.isDirectory(dir.resolve("ckpt").resolve(name)), name);
    }
    NeuralNetClassificationModel last = NeuralNetClassificationModel.load(dir.resolve("ckpt")
        .resolve(String.format(java.util.Locale.ROOT, "model-04-%.3f", h.get("val_loss")[3]))
        .toString());
    assertEquals(model.weights(), last.weights());
    assertTrue(Files.isDirectory(Path.of(tb, "train")) && Files.isDirectory(Path.of(tb,
        "validation")));
    try (var files = Files.list(Path.of(tb, "train"))) {
      assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("events.out.tfevents")));
    }
  }

  @Test
  void backupAndRestoreResumesBitExactlyAfterAFailure() {
    String backup = dir.resolve("backup").toString();
    NeuralNetClassificationModel straight = classifier(0.02, 6)
        .setCallbacks(new BackupAndRestore(dir.resolve("other").toString())).fit(iris);

    Callback crash = new Callback() {
      @Override
      public void onEpochEnd(int epoch, Map<String, Double> logs, double seconds,
          TrainingContext context) {
        if (epoch == 3) {
          throw new IllegalStateException("simulated driver failure after epoch 3");
        }
      }
    };
    NeuralNetClassifier est = classifier(0.02, 6);
    est.setCallbacks(new BackupAndRestore(backup), crash);
    assertThrows(IllegalStateException.class, () -> est.fit(iris));
    assertTrue(Files.exists(dir.resolve("backup/epoch-000003.backup")));

    NeuralNetClassificationModel resumed =
        classifier(0.02, 6).setCallbacks(new BackupAndRestore(backup)).fit(iris);
    assertEquals(6, resumed.history().size());
    assertEquals(straight.weights(), resumed.weights(), "bit-identical to the uninterrupted run");
    assertArrayEquals(straight.history().get("val_loss"), resumed.history().get("val_loss"), 0.0);
    assertFalse(Files.exists(dir.resolve("backup")), "deleted when the fit completes");
  }

  @Test
  void terminateOnNanEndsCleanlyWithTheLastFiniteWeights() {
    NeuralNetClassifier diverging = new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(16).activation("relu"),
            Dense.units(3).activation("softmax")))
        .setOptimizer("sgd").setLearningRate(1e9).setEpochs(20).setBatchSize(16)
        .setNumWorkers(2).setSeed(5).setVerbose(0);
    assertThrows(NonFiniteLossException.class, () -> diverging.fit(iris));
    NeuralNetClassificationModel model = diverging.setCallbacks(new TerminateOnNaN()).fit(iris);
    assertTrue(model.history().size() < 20);
    WeightSnapshot w = model.weights();
    assertEquals(null, w.firstNonFinite());
  }

  @Test
  void validationIndicatorColIsCheckedBeforeAnyJob() {
    int jobs = TestSpark.jobsStarted();
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
        () -> classifier(0.01, 1).setValidationSplit(0.2).fit(iris));
    assertTrue(both.getMessage().contains("Set one"), both.getMessage());
    IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
        () -> classifier(0.01, 1).setValidationIndicatorCol("label").fit(iris));
    assertTrue(type.getMessage().contains("must be a boolean column"), type.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> classifier(0.01, 1).setValidationIndicatorCol("nope").fit(iris));
    assertTrue(missing.getMessage().contains("is not a column"), missing.getMessage());
    IllegalArgumentException badCallback = assertThrows(IllegalArgumentException.class,
        () -> classifier(0.01, 1).setCallbacks("[{\"class_name\": \"EarlyStopping\","
            + " \"config\": {\"patience\": 2, \"monitr\": \"val_loss\"}}]"));
    assertTrue(badCallback.getMessage().contains("monitr"), badCallback.getMessage());
    assertEquals(jobs, TestSpark.jobsStarted(), "no Spark job for bad params");
  }
}
