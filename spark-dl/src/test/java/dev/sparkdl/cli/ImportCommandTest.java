package dev.sparkdl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkdl.testing.SharedData;
import dev.sparkdl.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spark-dl import}: Keras files in, a model directory the other commands read. */
class ImportCommandTest {
  @TempDir Path dir;

  private String base() {
    return SharedData.require("keras-models/examples/simple_sparse_xent")
        .resolve("simple_sparse_xent_mlp_keras_2").toString();
  }

  @Test
  void importsWeightsWithJsonAndTheModelIsReadable() throws IOException {
    TestSpark.session();
    String json = dev.sparkdl.testing.KerasFixtures.inferenceConfig(base() + "_model.h5", dir);
    String out = dir.resolve("imported").toString();
    Object[] run = CommandLineTest.run("import", "--keras", base() + "_model.h5",
        "--weights-json", json, "--out", out);
    assertEquals(0, run[0], run[1] + "" + run[2]);
    JsonNode r = CommandLineTest.result(run);
    assertEquals("NeuralNetClassificationModel", r.get("model").asText());
    assertEquals("file", r.get("compile").asText());
    Object[] summary = CommandLineTest.run("summary", "--model", out);
    assertEquals(0, summary[0], summary[1] + "" + summary[2]);
    assertTrue(summary[1].toString().contains("sparse_categorical_crossentropy"),
        summary[1].toString());
    Object[] again = CommandLineTest.run("import", "--keras", base() + "_model.h5",
        "--weights-json", json, "--out", out);
    assertEquals(SparkDl.BAD_INPUT, again[0]);
    assertTrue(again[2].toString().contains("--overwrite"), again[2].toString());
    Object[] replaced = CommandLineTest.run("import", "--keras", base() + "_model.h5",
        "--weights-json", json, "--out", out, "--overwrite");
    assertEquals(0, replaced[0], replaced[1] + "" + replaced[2]);
  }

  @Test
  void badInputExitsWithTwo() {
    TestSpark.session();
    String out = dir.resolve("m").toString();
    // a Conv1D with groups=2 (grouped convolution), which the reader refuses naming it
    Path conv = SharedData.require("keras-models/examples/conv1d");
    Path grouped = dir.resolve("grouped.json");
    try {
      java.nio.file.Files.writeString(grouped, java.nio.file.Files.readString(
          conv.resolve("conv1d_k2_s1_d1_cl_same_config.json"))
          .replace("\"padding\": \"same\",", "\"padding\": \"same\", \"groups\": 2,"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Object[] refused = CommandLineTest.run("import", "--keras",
        conv.resolve("conv1d_k2_s1_d1_cl_same_weights.h5").toString(), "--weights-json",
        grouped.toString(), "--out", out);
    assertEquals(SparkDl.BAD_INPUT, refused[0], refused[1] + "" + refused[2]);
    assertTrue(refused[2].toString().contains("groups=2"), refused[2].toString());
    Object[] missing = CommandLineTest.run("import", "--keras", dir.resolve("no.h5").toString(),
        "--out", out);
    assertEquals(SparkDl.BAD_INPUT, missing[0]);
    Object[] task = CommandLineTest.run("import", "--keras", base() + "_model.h5", "--out", out,
        "--task", "ranking");
    assertEquals(SparkDl.BAD_INPUT, task[0]);
    assertTrue(task[2].toString().contains("--task"), task[2].toString());
    // an input of unknown length (tf.keras Input(shape=(None, 3)) -> SimpleRNN): refused with
    // the fix, then imported with --input-shape
    String rnn = "src/test/resources/keras-tfkeras/rnn_144.h5";
    Object[] unknown = CommandLineTest.run("import", "--keras", rnn, "--out", out, "--task",
        "regression");
    assertEquals(SparkDl.BAD_INPUT, unknown[0], unknown[1] + "" + unknown[2]);
    assertTrue(unknown[2].toString().contains("--input-shape"), unknown[2].toString());
    Object[] shaped = CommandLineTest.run("import", "--keras", rnn, "--out", out, "--task",
        "regression", "--input-shape", "5,3");
    // SimpleRNN(6, return_sequences) then relu: 6 values per step, not one prediction
    assertEquals(SparkDl.BAD_INPUT, shaped[0], shaped[1] + "" + shaped[2]);
    assertTrue(shaped[2].toString().contains("a regression model predicts one value"),
        shaped[2].toString());
  }
}
