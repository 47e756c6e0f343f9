package dev.sparkdl.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.data.Datasets;
import dev.sparkdl.export.OnnxExportTest;
import dev.sparkdl.spec.BatchNormalization;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Dropout;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model fitted by Spark (local[2]) and exported to ONNX: ONNX Runtime's probabilities equal
 * those of the model's own transform() on every row, within 1e-5.
 */
class ExportFitTest {
  @TempDir Path dir;

  @Test
  void onnxRuntimeScoresAsTransformDoes() throws Exception {
    Dataset<Row> iris = Datasets.iris(TestSpark.session()).cache();
    NeuralNetClassificationModel model = new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(16).activation("relu"), BatchNormalization.defaults(),
            Dropout.rate(0.2), Dense.units(3).activation("softmax")))
        .setOptimizer("adam").setLearningRate(0.02).setEpochs(5).setBatchSize(16)
        .setNumWorkers(2).setSeed(9).setVerbose(0).fit(iris);
    Path onnx = dir.resolve("iris.onnx");
    model.exportOnnx(onnx.toString());
    List<Row> rows = model.transform(iris).select("features", "probability").collectAsList();
    float[] x = new float[rows.size() * 4];
    for (int i = 0; i < rows.size(); i++) {
      double[] f = ((Vector) rows.get(i).get(0)).toArray();
      for (int j = 0; j < 4; j++) {
        x[i * 4 + j] = (float) f[j];
      }
    }
    float[] p = OnnxExportTest.runOnnx(Files.readAllBytes(onnx), x, rows.size(), List.of(4));
    assertEquals(rows.size() * 3, p.length);
    double max = 0;
    for (int i = 0; i < rows.size(); i++) {
      double[] expected = ((Vector) rows.get(i).get(1)).toArray();
      for (int k = 0; k < 3; k++) {
        max = Math.max(max, Math.abs(expected[k] - p[i * 3 + k]));
      }
    }
    assertTrue(max <= 1e-5, "max |ONNX - transform| " + max);
  }

  @Test
  void aKerasFileWrittenByExportKerasImportsBackToTheSamePredictions() {
    Dataset<Row> iris = Datasets.iris(TestSpark.session()).cache();
    NeuralNetClassificationModel model = new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(12).activation("relu"), BatchNormalization.defaults(),
            Dense.units(3).activation("softmax")))
        .setOptimizer("adam").setLearningRate(0.02).setEpochs(3).setBatchSize(16)
        .setNumWorkers(2).setSeed(9).setVerbose(0).fit(iris);
    String file = dir.resolve("iris.keras").toString();
    model.exportKeras(file);
    NeuralNetClassificationModel back = KerasModels.loadClassifier(file);
    assertEquals(model.network().layers(), back.network().layers());
    assertEquals(model.kerasWeights(), back.kerasWeights(), "weights bit-identical");
    assertEquals(model.compileOptions().loss(), back.compileOptions().loss());
    double diff = dev.sparkdl.testing.StageAssertions.maxDifference(model.transform(iris),
        back.transform(iris), "probability");
    assertEquals(0.0, diff, 0.0, "identical probabilities after .keras out and in");
  }
}
