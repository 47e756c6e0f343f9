package dev.sparkdl.ml;

import static dev.sparkdl.testing.StageAssertions.maxDifference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.data.Datasets;
import dev.sparkdl.testing.TestSpark;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The same read/write pattern on a real HDFS (MiniDFSCluster), with hdfs:// paths. */
@Tag("hdfs")
class HdfsPersistenceTest {
  private static MiniDFSCluster cluster;
  private static String root;
  private static File base;

  @BeforeAll
  static void startHdfs() throws IOException {
    base = Files.createTempDirectory("spark-dl-hdfs").toFile();
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getAbsolutePath());
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
    root = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
    TestSpark.session();
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) {
      cluster.shutdown(true);
    }
  }

  @Test
  void modelAndEstimatorRoundTripOnHdfs() throws IOException {
    Dataset<Row> iris = Datasets.iris(TestSpark.session()).cache();
    NeuralNetClassifier est = PersistenceTest.irisClassifier();
    NeuralNetClassifier loadedEst = PersistenceTest.roundTrip(est, root + "/models/estimator",
        NeuralNetClassifier::load);
    dev.sparkdl.testing.StageAssertions.assertSameParams(est, loadedEst);

    NeuralNetClassificationModel model = est.fit(iris);
    String path = root + "/models/iris";
    NeuralNetClassificationModel loaded =
        PersistenceTest.roundTrip(model, path, NeuralNetClassificationModel::load);
    PersistenceTest.assertSameModel(model, loaded);
    double diff = maxDifference(model.transform(iris), loaded.transform(iris), "p");
    assertTrue(diff <= 1e-6, "max |Δprobability| " + diff);

    FileSystem fs = cluster.getFileSystem();
    assertTrue(fs.exists(new Path("/models/iris/metadata")));
    assertTrue(fs.exists(new Path("/models/iris/spark-dl.json")));
    assertTrue(fs.exists(new Path("/models/iris/weights.bin")));
    for (var s : fs.listStatus(new Path("/models"))) {
      assertFalse(s.getPath().getName().startsWith("."), "temporary left behind: " + s.getPath());
    }
  }

  @Test
  void pipelineModelRoundTripOnHdfs() throws IOException {
    Dataset<Row> raw = PersistenceTest.irisColumns(Datasets.iris(TestSpark.session())).cache();
    Pipeline pipeline = PersistenceTest.irisPipeline();
    Pipeline loadedPipeline = PersistenceTest.roundTrip(pipeline, root + "/pipelines/unfitted", Pipeline::load);
    assertEquals(4, loadedPipeline.getStages().length);
    PipelineModel fitted = pipeline.fit(raw);
    PipelineModel loaded = PersistenceTest.roundTrip(fitted, root + "/pipelines/fitted", PipelineModel::load);
    PersistenceTest.assertSameModel((NeuralNetModel) fitted.stages()[3], (NeuralNetModel) loaded.stages()[3]);
    double diff = maxDifference(fitted.transform(raw), loaded.transform(raw), "probability");
    assertTrue(diff <= 1e-6, "max |Δprobability| " + diff);
  }

  @Test
  void callbacksWriteTheirFilesOnHdfs() throws IOException {
    Dataset<Row> iris = Datasets.iris(TestSpark.session()).cache();
    dev.sparkdl.callbacks.BackupAndRestore backups =
        new dev.sparkdl.callbacks.BackupAndRestore(root + "/backups/job", false);
    NeuralNetClassificationModel model = PersistenceTest.irisClassifier().setEpochs(3)
        .setValidationSplit(0.2)
        .setCallbacks(backups, new dev.sparkdl.callbacks.CsvLogger(root + "/logs/fit.csv"),
            new dev.sparkdl.callbacks.ModelCheckpoint(root + "/ckpt/m-{epoch}"),
            new dev.sparkdl.callbacks.TensorBoard(root + "/tb"))
        .fit(iris);
    FileSystem fs = cluster.getFileSystem();
    Configuration conf = TestSpark.session().sparkContext().hadoopConfiguration();
    dev.sparkdl.callbacks.TrainingContext.Backup b = backups.latest(conf);
    assertEquals(3, b.epoch());
    assertEquals(3, b.history().size());
    try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(
        fs.open(new Path("/logs/fit.csv")), java.nio.charset.StandardCharsets.UTF_8))) {
      List<String> lines = in.lines().toList();
      assertEquals(4, lines.size(), lines.toString());
      int col = List.of(lines.get(0).split(",")).indexOf("val_loss");
      assertEquals(model.history().get("val_loss")[2],
          Double.parseDouble(lines.get(3).split(",")[col]), 0.0, lines.get(0));
    }
    NeuralNetClassificationModel last = NeuralNetClassificationModel.load(root + "/ckpt/m-3");
    assertEquals(model.weights(), last.weights());
    assertTrue(fs.exists(new Path("/ckpt/m-1/weights.bin")));
    for (String sub : List.of("train", "validation")) {
      FileStatus[] files = fs.listStatus(new Path("/tb/" + sub));
      assertEquals(1, files.length, sub);
      byte[] bytes;
      try (var in = fs.open(files[0].getPath())) {
        bytes = in.readAllBytes();
      }
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      int length = (int) buf.getLong(0);
      org.tensorflow.proto.Event first = org.tensorflow.proto.Event.parseFrom(
          java.util.Arrays.copyOfRange(bytes, 12, 12 + length));
      assertEquals("brain.Event:2", first.getFileVersion());
      assertTrue(bytes.length > 200, sub + " holds the epochs' scalars: " + bytes.length);
    }
  }
}
