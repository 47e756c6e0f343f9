package dev.sparkdl.ml;

import static dev.sparkdl.testing.StageAssertions.assertSameParams;
import static dev.sparkdl.testing.StageAssertions.maxDifference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.data.Datasets;
import dev.sparkdl.spec.BatchNormalization;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Dropout;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.TestSpark;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark's read/write test pattern on the local file system: save, saving again fails,
 * overwrite, load, compare every param and every weight, score the same rows.
 */
class PersistenceTest {
  private static NeuralNetClassificationModel classifier;
  private static Dataset<Row> iris;
  private final SparkSession spark = TestSpark.session();
  @TempDir Path dir;

  static NeuralNetClassifier irisClassifier() {
    return new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(8).activation("relu"), BatchNormalization.defaults(),
            Dropout.rate(0.1), Dense.units(3).activation("softmax")))
        .setOptimizer("adam").setLearningRate(0.02).setEpochs(5).setBatchSize(16)
        .setNumWorkers(2).setSeed(3).setVerbose(0).setValidationSplit(0.1)
        .setProbabilityCol("p").setThresholds(new double[] {0.5, 0.3, 0.2});
  }

  @BeforeAll
  static void fit() {
    iris = Datasets.iris(TestSpark.session()).cache();
    classifier = irisClassifier().fit(iris);
  }

  /** save -> save again fails -> overwrite -> load. */
  static <T> T roundTrip(org.apache.spark.ml.util.MLWritable stage, String path,
      java.util.function.Function<String, T> load) throws IOException {
    stage.write().save(path);
    IOException e = assertThrows(IOException.class, () -> stage.write().save(path));
    assertTrue(e.getMessage().contains("already exists. To overwrite it, please use"
        + " write.overwrite().save(path)"), e.getMessage());
    stage.write().overwrite().save(path);
    return load.apply(path);
  }

  static void assertSameModel(NeuralNetModel expected, NeuralNetModel actual) {
    assertSameParams(expected, actual);
    assertEquals(expected.weights(), actual.weights());
    assertEquals(expected.state().optimizer(), actual.state().optimizer());
    assertEquals(expected.network(), actual.network());
    assertEquals(expected.compileOptions(), actual.compileOptions());
    assertEquals(expected.history().epochs(), actual.history().epochs());
    assertEquals(expected.state().numFeatures(), actual.state().numFeatures());
    assertEquals(expected.state().numClasses(), actual.state().numClasses());
    assertEquals(expected.state().id(), actual.state().id());
    assertEquals(expected.state().trainRows(), actual.state().trainRows());
    assertEquals(expected.state().validationRows(), actual.state().validationRows());
    assertEquals(expected.state().conversionSeconds(), actual.state().conversionSeconds());
    assertEquals(expected.state().trainSeconds(), actual.state().trainSeconds());
  }

  @Test
  void estimatorsRoundTrip() throws IOException {
    NeuralNetClassifier c = irisClassifier().setMetrics("accuracy", "mse")
        .setInitialWeights(Vectors.dense(new double[67])).setAveragingFrequency(3);
    NeuralNetClassifier c2 = roundTrip(c, dir.resolve("clf").toString(), NeuralNetClassifier::load);
    assertSameParams(c, c2);
    NeuralNetRegressor r = new NeuralNetRegressor().setLayers(Sequential.of(Dense.units(1)))
        .setLoss("huber").setOptimizer(new dev.sparkdl.spec.Optimizer.SGD(0.1, 0.9, true))
        .setEpochs(7);
    NeuralNetRegressor r2 = roundTrip(r, dir.resolve("reg").toString(), NeuralNetRegressor::load);
    assertSameParams(r, r2);
    assertEquals(r.getOptimizer(), r2.getOptimizer());
  }

  @Test
  void classificationModelRoundTrip() throws IOException {
    NeuralNetClassificationModel loaded =
        roundTrip(classifier, dir.resolve("model").toString(), NeuralNetClassificationModel::load);
    assertSameModel(classifier, loaded);
    assertEquals(5, loaded.history().size());
    double diff = maxDifference(classifier.transform(iris), loaded.transform(iris), "p");
    assertTrue(diff <= 1e-6, "max |Δprobability| " + diff);
    assertEquals(classifier.transform(iris).select("prediction").collectAsList(),
        loaded.transform(iris).select("prediction").collectAsList());
  }

  @Test
  void regressionModelRoundTrip() throws IOException {
    Dataset<Row> cars = Datasets.cars(spark);
    NeuralNetRegressionModel model = new NeuralNetRegressor()
        .setLayers(Sequential.of(Dense.units(4).activation("tanh"), Dense.units(1)))
        .setOptimizer("rmsprop").setLearningRate(0.05).setEpochs(3).setNumWorkers(2)
        .setVerbose(0).fit(cars);
    NeuralNetRegressionModel loaded =
        roundTrip(model, dir.resolve("reg-model").toString(), NeuralNetRegressionModel::load);
    assertSameModel(model, loaded);
    java.util.List<Row> a = model.transform(cars).select("prediction").collectAsList();
    java.util.List<Row> b = loaded.transform(cars).select("prediction").collectAsList();
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).getDouble(0), b.get(i).getDouble(0), 1e-6);
    }
  }

  static Pipeline irisPipeline() {
    return new Pipeline().setStages(new PipelineStage[] {
      new StringIndexer().setInputCol("species").setOutputCol("label"),
      new VectorAssembler().setInputCols(new String[] {"a", "b", "c", "d"}).setOutputCol("raw"),
      new StandardScaler().setInputCol("raw").setOutputCol("features").setWithMean(true),
      irisClassifier().setProbabilityCol("probability").setEpochs(8)
    });
  }

  static Dataset<Row> irisColumns(Dataset<Row> iris) {
    Dataset<Row> arr = iris.withColumn("x", org.apache.spark.ml.functions.vector_to_array(
        functions.col("features"), "float64"));
    return arr.select(functions.col("x").getItem(0).as("a"), functions.col("x").getItem(1).as("b"),
        functions.col("x").getItem(2).as("c"), functions.col("x").getItem(3).as("d"),
        functions.concat(functions.lit("class-"), functions.col("label").cast("int")).as("species"));
  }

  @Test
  void pipelineAndPipelineModelRoundTrip() throws IOException {
    Dataset<Row> raw = irisColumns(iris);
    Pipeline pipeline = irisPipeline();
    Pipeline loadedPipeline = roundTrip(pipeline, dir.resolve("pipeline").toString(), Pipeline::load);
    assertEquals(4, loadedPipeline.getStages().length);
    for (int i = 0; i < 4; i++) {
      assertSameParams(pipeline.getStages()[i], loadedPipeline.getStages()[i]);
    }
    PipelineModel fitted = pipeline.fit(raw);
    PipelineModel loaded = roundTrip(fitted, dir.resolve("pipeline-model").toString(), PipelineModel::load);
    assertSameModel((NeuralNetModel) fitted.stages()[3], (NeuralNetModel) loaded.stages()[3]);
    double diff = maxDifference(fitted.transform(raw), loaded.transform(raw), "probability");
    assertTrue(diff <= 1e-6, "max |Δprobability| " + diff);
  }

  @Test
  void failedSaveLeavesNothingBehind() throws IOException {
    spark.sparkContext().hadoopConfiguration()
        .set("fs.failing.impl", dev.sparkdl.testing.FailingFileSystem.class.getName());
    spark.sparkContext().hadoopConfiguration().setBoolean("fs.failing.impl.disable.cache", true);
    File target = dir.resolve("broken").toFile();
    String path = "failing://" + target.getAbsolutePath();
    Exception e = assertThrows(Exception.class, () -> classifier.write().save(path));
    assertTrue(String.valueOf(e.getMessage()).contains("weights.bin"), e.getMessage());
    assertFalse(target.exists(), "a failed save left " + target);
    try (var files = Files.list(dir)) {
      assertEquals(java.util.List.of(), files.map(p -> p.getFileName().toString()).toList(),
          "temporary directories were removed");
    }
    // overwrite: a failed save keeps the previous model
    classifier.write().save(target.getAbsolutePath());
    assertThrows(Exception.class, () -> classifier.write().overwrite().save(path));
    assertSameModel(classifier, NeuralNetClassificationModel.load(target.getAbsolutePath()));
  }

  @Test
  void damagedOrForeignDirectoriesFailClearly() throws IOException {
    String good = dir.resolve("good").toString();
    classifier.write().save(good);

    assertLoadFails(dir.resolve("nowhere").toString(), "does not exist");

    Path noWeights = copy(good, "no-weights");
    Files.delete(noWeights.resolve("weights.bin"));
    assertLoadFails(noWeights.toString(), "the weights file weights.bin is missing");

    Path truncated = copy(good, "truncated");
    try (RandomAccessFile f = new RandomAccessFile(truncated.resolve("weights.bin").toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    assertLoadFails(truncated.toString(), "weights.bin is truncated");

    Path flipped = copy(good, "flipped");
    try (RandomAccessFile f = new RandomAccessFile(flipped.resolve("weights.bin").toFile(), "rw")) {
      f.seek(f.length() / 2);
      int b = f.read();
      f.seek(f.length() / 2);
      f.write(b ^ 0x40);
    }
    assertLoadFails(flipped.toString(), "weights.bin is corrupted: its checksum does not match");

    Path future = copy(good, "future");
    edit(future.resolve("spark-dl.json"), "\"formatVersion\" : 1", "\"formatVersion\" : 9");
    assertLoadFails(future.toString(), "this is format 9", "reads up to format 1");

    Path reshaped = copy(good, "reshaped");
    edit(reshaped.resolve("spark-dl.json"), "\"units\" : 8", "\"units\" : 9");
    assertLoadFails(reshaped.toString(), "do not match the network in spark-dl.json",
        "0_dense/kernel");

    Path noInfo = copy(good, "no-info");
    Files.delete(noInfo.resolve("spark-dl.json"));
    assertLoadFails(noInfo.toString(), "no spark-dl.json; it is incomplete");

    String lr = dir.resolve("logistic").toString();
    new LogisticRegression().setMaxIter(2).fit(iris).write().save(lr);
    assertLoadFails(lr, "holds a org.apache.spark.ml.classification.LogisticRegressionModel",
        "not a dev.sparkdl.ml.NeuralNetClassificationModel",
        "Load it with LogisticRegressionModel.load(path)");

    Path plain = Files.createDirectories(dir.resolve("plain"));
    assertLoadFails(plain.toString(), "it is not a saved Spark ML stage (there is no metadata/");

    ModelLoadException wrongKind = assertThrows(ModelLoadException.class,
        () -> NeuralNetRegressionModel.load(good));
    assertTrue(wrongKind.getMessage().contains("Load it with NeuralNetClassificationModel.load(path)"),
        wrongKind.getMessage());
  }

  private static void assertLoadFails(String path, String... parts) {
    ModelLoadException e =
        assertThrows(ModelLoadException.class, () -> NeuralNetClassificationModel.load(path));
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "expected «" + p + "» in: " + e.getMessage());
    }
    assertTrue(e.getMessage().contains(path.replace("file:", "")) || e.getMessage().contains(path),
        "the message names the path: " + e.getMessage());
  }

  private Path copy(String from, String name) throws IOException {
    Path to = dir.resolve(name);
    try (var files = Files.walk(Path.of(from))) {
      for (Path p : files.toList()) {
        if (p.getFileName().toString().endsWith(".crc")) {
          continue; // Hadoop's local checksums would catch the damage before our own checks
        }
        Path q = to.resolve(Path.of(from).relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
    return to;
  }

  private static void edit(Path file, String from, String to) throws IOException {
    String s = Files.readString(file);
    assertTrue(s.contains(from), "fixture: " + file + " lacks " + from);
    Files.writeString(file, s.replace(from, to));
  }
}
