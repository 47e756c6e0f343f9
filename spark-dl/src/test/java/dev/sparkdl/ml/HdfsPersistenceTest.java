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
}
