package dev.sparkdl.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.data.Datasets;
import dev.sparkdl.engine.Network;
import dev.sparkdl.engine.Tensor;
import dev.sparkdl.examples.custom.Scale;
import dev.sparkdl.ml.NeuralNetClassificationModel;
import dev.sparkdl.ml.NeuralNetClassifier;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.LayerSpec;
import dev.sparkdl.spec.LayerTypes;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.spec.SpecException;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example custom layer, registered through ServiceLoader, works everywhere a layer does. */
class CustomLayerTest {
  private static SparkSession spark;
  @TempDir Path dir;

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void registeredByNameAndRoundTrips() {
    assertTrue(LayerTypes.names().contains("Scale"));
    Scale s = new Scale(0.0);
    assertEquals(s, LayerSpec.fromJson(s.toJson()));
    assertEquals("{\"class_name\":\"Scale\",\"config\":{\"initial\":0.0}}", s.toJson());
    String m = assertThrows(SpecException.class,
        () -> LayerSpec.fromJson("{\"class_name\":\"Scale\",\"config\":{\"factor\":2}}")).getMessage();
    assertTrue(m.contains("unsupported argument(s) [factor=2]"), m);
    m = assertThrows(SpecException.class,
        () -> LayerSpec.fromJson("{\"class_name\":\"Scaler\",\"config\":{}}")).getMessage();
    assertTrue(m.contains("Unknown layer class_name 'Scaler'") && m.contains("Scale"), m);
  }

  @Test
  void computesAndExposesItsWeights() {
    Sequential net = Sequential.of(new Scale(1.0)).inputShape(3);
    try (Network n = Network.create(net, null, 1)) {
      assertArrayEquals(new float[] {1, 1, 1}, n.kerasWeights().get(0).values());
      n.setKerasWeights(List.of(Tensor.of(2f, -1f, 0.5f)));
      assertArrayEquals(new float[] {2, -2, 1.5f}, n.predict(new float[] {1, 2, 3}, 1), 0f);
    }
    assertEquals(3, net.paramCount());
  }

  @Test
  void trainsSavesAndLoadsOnSpark() throws Exception {
    spark = Support.spark("local[2]", "custom layer test");
    Dataset<Row> iris = Datasets.iris(spark);
    NeuralNetClassificationModel model = new NeuralNetClassifier()
        .setLayers(Sequential.of(new Scale(1.0), Dense.units(16).activation("relu"),
            Dense.units(3).activation("softmax")))
        .setOptimizer("adam").setLearningRate(0.02).setEpochs(40).setBatchSize(16)
        .setNumWorkers(2).setVerbose(0).fit(iris);
    String path = dir.resolve("m").toString();
    model.write().save(path);
    NeuralNetClassificationModel loaded = NeuralNetClassificationModel.load(path);
    assertEquals(model.weights(), loaded.weights());
    double acc = Support.accuracy(loaded.transform(iris));
    assertTrue(acc > 0.9, "accuracy with the custom layer " + acc);
  }
}
