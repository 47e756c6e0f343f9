package dev.sparkdl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkdl.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end in Spark's local mode, and its exit codes. */
class CommandLineTest {
  @TempDir Path dir;
  private Path csv;

  @BeforeEach
  void data() throws IOException {
    TestSpark.session();
    csv = dir.resolve("iris.csv");
    Files.write(csv, irisCsv());
  }

  /** @return the bundled iris data set as CSV bytes (header included) */
  static byte[] irisCsv() throws IOException {
    try (InputStream in = new GZIPInputStream(
        CommandLineTest.class.getResourceAsStream("/dev/sparkdl/datasets/iris.csv.gz"))) {
      return in.readAllBytes();
    }
  }

  private String job(String output) {
    return JobFileTest.GOOD
        .replace("{\"path\": \"data/train.csv\", \"format\": \"csv\", \"options\": {\"sep\": \";\"}}",
            "{\"path\": \"" + csv + "\", \"format\": \"csv\"}")
        .replace("\"data/test.parquet\"", "\"" + csv + "\"")
        .replace("[\"a\", \"b\"]", "[\"sepal_length_cm\", \"sepal_width_cm\", \"petal_length_cm\", \"petal_width_cm\"]")
        .replace("\"label\": \"y\"", "\"label\": \"target_name\"")
        .replace("\"inputShape\": [2]", "\"inputShape\": [4]")
        .replace("\"averagingFrequency\": 4,", "")
        .replace("\"minBatchesPerWorker\": 4, \"outerMomentum\": 0.5, \"learningRateScaling\": \"linear\",", "")
        .replace("\"warmupEpochs\": 1.5, \"batchNormStatistics\": \"average\",", "")
        .replace("\"validationSplit\": 0.1,", "")
        // raw iris features and an 8-unit network: with Adam 0.02 and 40 epochs some seeds stay at
        // 67 %, on one worker as on two; Adam 0.01 and 80 epochs learned (>= 97 %) on each of four
        // seeds with one and two workers
        .replace("\"epochs\": 5", "\"epochs\": 80")
        .replace("{\"class_name\": \"SGD\", \"config\": {\"learning_rate\": 0.1, \"momentum\": 0.9}}",
            "{\"class_name\": \"Adam\", \"config\": {\"learning_rate\": 0.01}}")
        .replace("\"models/m\"", "\"" + output + "\"");
  }

  /** Runs the command line, returning {exit code, stdout, stderr}. */
  static Object[] run(String... args) {
    StringWriter err = new StringWriter();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true));
    int code;
    try {
      code = SparkDl.run(new PrintWriter(err, true), args);
    } finally {
      System.setOut(old);
    }
    return new Object[] {code, out.toString(), err.toString()};
  }

  static JsonNode result(Object[] run) throws IOException {
    return result((String) run[1], (String) run[1] + run[2]);
  }

  /** @return the JSON of the {@code RESULT} line a command printed; fails showing {@code log} */
  static JsonNode result(String stdout, String log) throws IOException {
    for (String line : stdout.split("\n")) {
      if (line.startsWith("RESULT ")) {
        return new ObjectMapper().readTree(line.substring(7));
      }
    }
    throw new AssertionError("no RESULT line in: " + log);
  }

  @Test
  void trainScoreEvaluateSummary() throws IOException {
    Path jobFile = dir.resolve("job.json");
    String model = dir.resolve("model").toString();
    Files.writeString(jobFile, job(model));
    Object[] train = run("train", "--job", jobFile.toString());
    assertEquals(0, train[0], train[2].toString());
    JsonNode r = result(train);
    assertTrue(r.path("test").path("accuracy").asDouble() >= 0.9, r.toString());
    assertEquals(80, r.path("epochs").asInt());

    String scores = dir.resolve("scores").toString();
    Object[] score = run("score", "--model", model, "--input", csv.toString(), "--output", scores);
    assertEquals(0, score[0], score[2].toString());
    assertEquals(150, result(score).path("rows").asInt());
    var rows = TestSpark.session().read().parquet(scores);
    assertTrue(java.util.Arrays.asList(rows.columns()).containsAll(
        java.util.List.of("target_name", "prediction", "predicted_target_name", "probability")));

    Object[] eval = run("evaluate", "--model", model, "--input", csv.toString());
    assertEquals(0, eval[0], eval[2].toString());
    assertEquals(r.path("test").path("accuracy").asDouble(), result(eval).path("accuracy").asDouble(), 1e-9);

    Object[] summary = run("summary", "--model", model);
    assertEquals(0, summary[0], summary[2].toString());
    assertTrue(summary[1].toString().contains("Total params: 67"), summary[1].toString());

    for (String format : new String[] {"onnx", "keras"}) {
      String file = dir.resolve("model." + format).toString();
      Object[] export = run("export", "--model", model, "--format", format, "--out", file);
      assertEquals(0, export[0], export[2].toString());
      assertTrue(Files.size(Path.of(file)) > 100, file);
      Object[] twice = run("export", "--model", model, "--format", format, "--out", file);
      assertTrue(twice[2].toString().contains("already exists"), twice[2].toString());
      assertEquals(0, run("export", "--model", model, "--format", format, "--out", file,
          "--overwrite")[0]);
    }

    // the same output again without overwrite: a job-file problem, caught before training
    Files.writeString(jobFile, job(model).replace("\"overwrite\": true", "\"overwrite\": false"));
    Object[] again = run("train", "--job", jobFile.toString());
    assertEquals(2, again[0]);
    assertTrue(again[2].toString().contains("already exists"), again[2].toString());
  }

  @Test
  void aDistributionJobTrainsAndEvaluateReportsNllAndCoverage() throws IOException {
    Path jobFile = dir.resolve("normal.json");
    String model = dir.resolve("normal-model").toString();
    Files.writeString(jobFile, """
        {
          "train": "%s", "test": "%s",
          "features": ["sepal_length_cm", "sepal_width_cm", "petal_length_cm"],
          "label": "petal_width_cm", "task": "regression",
          "layers": [{"class_name": "Dense", "config": {"units": 16, "activation": "relu"}},
                     {"class_name": "Dense", "config": {"units": 2}}],
          "compile": {"optimizer": {"class_name": "Adam", "config": {"learning_rate": 0.01}}},
          "fit": {"epochs": 60, "batchSize": 16, "numWorkers": 2, "seed": 7, "verbose": 0,
                  "distribution": "normal", "intervalLevel": 0.9},
          "output": "%s"
        }""".formatted(csv, csv, model));
    Object[] train = run("train", "--job", jobFile.toString());
    assertEquals(0, train[0], train[2].toString());
    JsonNode t = result(train);
    assertTrue(t.path("train").has("nll") && t.path("train").has("coverage_90"), t.toString());
    Object[] eval = run("evaluate", "--model", model, "--input", csv.toString());
    assertEquals(0, eval[0], eval[2].toString());
    JsonNode e = result(eval);
    assertEquals(0.9, e.path("interval_level").asDouble(), 0.0);
    assertTrue(e.path("coverage").asDouble() >= 0.8 && e.path("coverage").asDouble() <= 0.99,
        e.toString());
    // petal width given the other three: a few tenths of a cm of spread, an NLL well below 0
    assertTrue(e.path("nll").asDouble() < 0 && e.path("nll").asDouble() > -2, e.toString());
    assertEquals(t.path("test").path("nll").asDouble(), e.path("nll").asDouble(), 1e-9);
  }

  @Test
  void badJobFilesExitWithTwo() throws IOException {
    Path jobFile = dir.resolve("bad.json");
    Files.writeString(jobFile, job(dir.resolve("m").toString()).replace("\"label\"", "\"lable\""));
    Object[] r = run("train", "--job", jobFile.toString());
    assertEquals(2, r[0]);
    assertTrue(r[2].toString().contains("Unknown key \"lable\" — did you mean \"label\"?"), r[2].toString());

    Files.writeString(jobFile, job(dir.resolve("m").toString()).replace("\"task\": \"classification\",", ""));
    r = run("train", "--job", jobFile.toString());
    assertEquals(2, r[0]);
    assertTrue(r[2].toString().contains("Missing required field \"task\""), r[2].toString());

    Files.writeString(jobFile, job(dir.resolve("m").toString()).replace("\"epochs\": 80", "\"epochs\": \"forty\""));
    r = run("train", "--job", jobFile.toString());
    assertEquals(2, r[0]);
    assertTrue(r[2].toString().contains("fit.epochs must be an integer, got the string \"forty\""), r[2].toString());

    Files.writeString(jobFile, job(dir.resolve("m").toString()).replace(csv.toString(), "/no/such/file.csv"));
    r = run("train", "--job", jobFile.toString());
    assertEquals(2, r[0]);
    assertTrue(r[2].toString().contains("train.path: cannot read /no/such/file.csv: no such file"),
        r[2].toString());

    Files.writeString(jobFile, job(dir.resolve("m").toString()).replace("\"target_name\"", "\"species\""));
    r = run("train", "--job", jobFile.toString());
    assertEquals(2, r[0]);
    assertTrue(r[2].toString().contains("train: the data has no column \"species\""), r[2].toString());

    r = run("train", "--job", dir.resolve("missing.json").toString());
    assertEquals(2, r[0]);
    assertTrue(r[2].toString().contains("Cannot read the job file"), r[2].toString());

    r = run("train");
    assertEquals(2, r[0], "picocli usage error");
    assertTrue(r[2].toString().contains("Missing required option: '--job=<job>'"), r[2].toString());
  }

  @Test
  void badDataExitsWithTwoWithoutAStackTrace() throws IOException {
    Path jobFile = dir.resolve("fails.json");
    // numeric class labels 0..2 against a 2-unit softmax: the data fails validation (bad input,
    // exit code 2 since issue 15; it was a failure, 1, with a stack trace)
    Files.writeString(jobFile, job(dir.resolve("m").toString())
        .replace("\"target_name\"", "\"target\"").replace("\"units\": 3", "\"units\": 2"));
    Object[] r = run("train", "--job", jobFile.toString());
    assertEquals(2, r[0]);
    assertTrue(r[2].toString().contains("must hold class indices 0.0 .. 1.0"), r[2].toString());
    assertTrue(!r[2].toString().contains("\tat "), r[2].toString());
  }

  @Test
  void aRunThatFailsExitsWithOne() throws IOException {
    // an I/O failure, not bad input: the file system refuses to create weights.bin midway
    // through saving the trained model
    var conf = TestSpark.session().sparkContext().hadoopConfiguration();
    conf.set("fs.failing.impl", dev.sparkdl.testing.FailingFileSystem.class.getName());
    conf.setBoolean("fs.failing.impl.disable.cache", true);
    Path jobFile = dir.resolve("fails.json");
    Files.writeString(jobFile, job("failing://" + dir.resolve("m")).replace("\"epochs\": 80",
        "\"epochs\": 1"));
    Object[] r = run("train", "--job", jobFile.toString());
    assertEquals(1, r[0], r[2].toString());
    assertTrue(r[2].toString().contains("spark-dl train failed: "), r[2].toString());
    assertTrue(r[2].toString().contains("\tat "), "a failure shows its stack trace");
  }

}
