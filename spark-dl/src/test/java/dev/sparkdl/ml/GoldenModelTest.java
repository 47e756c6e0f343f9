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

/**
 * A model saved by release 0.1 (format 1) is kept under src/test/resources/golden/ with the
 * probabilities it gave; every later release must load it and score the same.
 */
class GoldenModelTest {
  static final String GOLDEN = "golden/iris-classifier-format-1";

  @Test
  void goldenModelLoadsAndScoresAsWhenSaved() throws Exception {
    Path dir = Paths.get(GoldenModelTest.class.getClassLoader().getResource(GOLDEN).toURI());
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

  /** Regenerates the golden model: run with -Dsparkdl.writeGolden=DIR (the test resources). */
  @Test
  @EnabledIfSystemProperty(named = "sparkdl.writeGolden", matches = ".+")
  void writeGolden() throws IOException, URISyntaxException {
    Path dir = Paths.get(System.getProperty("sparkdl.writeGolden")).resolve(GOLDEN);
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
