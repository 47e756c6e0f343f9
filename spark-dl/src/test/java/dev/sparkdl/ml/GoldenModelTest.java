package dev.sparkdl.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkdl.data.Datasets;
import dev.sparkdl.spec.BatchNormalization;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Dropout;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.TestSpark;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Models saved by earlier builds are kept under src/test/resources/golden/ with the
 * probabilities they gave; every later release, and every Spark build of this one, must load
 * them and score the same: release 0.1's (format 1, written by the Spark 4.1 / Scala 2.13 build)
 * and one written by the Spark 3.5 / Scala 2.12 build (docs/spark-versions.md). CI runs this test
 * in both builds, so a model crosses between Spark 3.5 and 4.1 in both directions.
 */
class GoldenModelTest {
  static final String GOLDEN = "golden/iris-classifier-format-1";

  @ParameterizedTest
  @ValueSource(strings = {GOLDEN, "golden/iris-classifier-spark-3.5.9-scala-2.12"})
  void goldenModelLoadsAndScoresAsWhenSaved(String golden) throws Exception {
    Path dir = Paths.get(GoldenModelTest.class.getClassLoader().getResource(golden).toURI());
    TestSpark.session(); // loading reads the metadata with the active session
    NeuralNetClassificationModel model = NeuralNetClassificationModel.load(dir.resolve("model").toString());
    JsonNode expected = new ObjectMapper().readTree(dir.resolve("expected-probabilities.json").toFile());
    List<Row> rows = model.transform(Datasets.iris(TestSpark.session())).select("probability").collectAsList();
    assertEquals(expected.size(), rows.size());
    double max = 0;
    for (int i = 0; i < rows.size(); i++) {
      double[] p = rows.get(i).<Vector>getAs(0).toArray();
      for (int j = 0; j < p.length; j++) {
        max = Math.max(max, Math.abs(p[j] - expected.get(i).get(j).asDouble()));
      }
    }
    assertTrue(max <= 1e-6, "max |Δprobability| against the golden scores: " + max);
    assertEquals(3, model.numClasses());
    assertEquals(4, model.history().size());
  }

  /**
   * Regenerates a golden model: run with -Dsparkdl.writeGolden=DIR (the test resources) and
   * -Dsparkdl.goldenName=golden/NAME (default: release 0.1's), in the build that should write it.
   */
  @Test
  @EnabledIfSystemProperty(named = "sparkdl.writeGolden", matches = ".+")
  void writeGolden() throws IOException, URISyntaxException {
    Path dir = Paths.get(System.getProperty("sparkdl.writeGolden"))
        .resolve(System.getProperty("sparkdl.goldenName", GOLDEN));
    Dataset<Row> iris = Datasets.iris(TestSpark.session());
    NeuralNetClassificationModel model = new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(8).activation("relu"), BatchNormalization.defaults(),
            Dropout.rate(0.1), Dense.units(3).activation("softmax")))
        .setOptimizer("adam").setLearningRate(0.02).setEpochs(4).setBatchSize(16)
        .setNumWorkers(2).setSeed(2024).setVerbose(0).fit(iris);
    model.write().overwrite().save(dir.resolve("model").toString());
    List<Row> rows = model.transform(iris).select("probability").collectAsList();
    ObjectMapper json = new ObjectMapper();
    var arr = json.createArrayNode();
    for (Row r : rows) {
      var a = arr.addArray();
      for (double v : r.<Vector>getAs(0).toArray()) {
        a.add(v);
      }
    }
    Files.createDirectories(dir);
    json.writeValue(dir.resolve("expected-probabilities.json").toFile(), arr);
  }
}
