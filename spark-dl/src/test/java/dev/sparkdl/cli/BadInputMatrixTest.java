package dev.sparkdl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.distributed.DistributedTrainer;
import dev.sparkdl.ml.KerasModels;
import dev.sparkdl.ml.NeuralNetClassificationModel;
import dev.sparkdl.ml.NeuralNetClassifier;
import dev.sparkdl.ml.NeuralNetRegressor;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.TestSpark;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input matrix (issue 15): every public entry point — estimator params, DataFrame
 * schemas, data values, Keras JSON, job files and command lines, model directories, Keras files —
 * given bad input. Each case asserts the message (key fragments of what, expected, received and
 * the fix), the CLI's exit code 2 without a stack trace, that no Spark job ran when the input is
 * known on the driver (and never a training job), and that nothing is left at the output path.
 * The table in docs/errors.md lists these cases; {@link #table} writes it to
 * target/bad-input-matrix.md.
 */
class BadInputMatrixTest {
  @TempDir static Path dir;
  static SparkSession spark;
  static Path iris;
  static Path pipeline;
  static Path stage;
  static Path damaged;
  static Path damagedStage;
  static final List<String> ROWS = new ArrayList<>();

  static final String FEATURES =
      "[\"sepal_length_cm\", \"sepal_width_cm\", \"petal_length_cm\", \"petal_width_cm\"]";
  static final String LAYERS = "[{\"class_name\": \"Dense\", \"config\": {\"units\": 8,"
      + " \"activation\": \"relu\"}}, {\"class_name\": \"Dense\", \"config\": {\"units\": 3,"
      + " \"activation\": \"softmax\"}}]";

  @BeforeAll
  static void fixtures() throws Exception {
    spark = TestSpark.session();
    iris = dir.resolve("iris.csv");
    Files.write(iris, CommandLineTest.irisCsv());
    stage = Path.of(BadInputMatrixTest.class.getResource(
        "/golden/iris-classifier-format-1/model").toURI());
    NeuralNetClassificationModel nn = NeuralNetClassificationModel.load(stage.toString());
    VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {
        "sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"})
        .setOutputCol("features");
    pipeline = dir.resolve("pipeline");
    new PipelineModel("pipeline_bad_input", new Transformer[] {assembler, nn}).write()
        .save(pipeline.toString());
    // a copy whose weights.bin lost its second half (the .crc checksum is the original's)
    damaged = dir.resolve("damaged");
    copy(pipeline, damaged);
    try (var s = Files.list(damaged.resolve("stages"))) {
      for (Path p : s.toList()) {
        truncate(p.resolve("weights.bin"));
      }
    }
    damagedStage = dir.resolve("damaged-stage");
    copy(stage, damagedStage);
    truncate(damagedStage.resolve("weights.bin"));
  }

  @AfterAll
  static void table() throws IOException {
    Path out = Path.of("target", "bad-input-matrix.md");
    Files.createDirectories(out.getParent());
    List<String> lines = new ArrayList<>();
    lines.add("| # | entry point | input | exit | message starts |");
    lines.add("|---|---|---|---|---|");
    for (int i = 0; i < ROWS.size(); i++) {
      lines.add("| " + (i + 1) + " " + ROWS.get(i));
    }
    Files.write(out, lines);
  }

  private static void truncate(Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    try (var s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------- helpers

  /** What a case produced: the CLI's exit code (-1 for an API call) and the message. */
  record Outcome(int code, String message, String stdout) {}

  /**
   * One case of the matrix.
   *
   * @param entry the entry point
   * @param input the bad input, in words
   * @param driverKnown true when the input is known on the driver: no Spark job may run
   * @param output a path that must not exist afterwards, or null
   * @param run runs it
   * @param fragments what the message must contain
   */
  record Case(String entry, String input, boolean driverKnown, Path output,
      Supplier<Outcome> run, String... fragments) {}

  static Outcome cli(String... args) {
    Object[] r = CommandLineTest.run(args);
    return new Outcome((Integer) r[0], (String) r[2], (String) r[1]);
  }

  static Outcome api(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      return new Outcome(-1, e.getClass().getSimpleName() + ": " + e.getMessage(), "");
    }
    return new Outcome(-1, null, "");
  }

  /** @param input "subcommand: the bad input" */
  static Case cliCase(String input, boolean driverKnown, Path output, Supplier<Outcome> run,
      String... fragments) {
    int colon = input.indexOf(": ");
    return colon < 0 ? new Case("CLI spark-dl", input, driverKnown, output, run, fragments)
        : new Case("CLI spark-dl " + input.substring(0, colon), input.substring(colon + 2),
            driverKnown, output, run, fragments);
  }

  static DynamicTest test(Case c) {
    return DynamicTest.dynamicTest(c.entry() + ": " + c.input(), () -> {
      int before = TestSpark.jobsStarted();
      Outcome o = c.run().get();
      List<String> jobs = TestSpark.jobDescriptions();
      jobs = jobs.subList(before, jobs.size());
      assertNotNull(o.message(), "no failure for " + c.input());
      String m = o.message();
      for (String f : c.fragments()) {
        assertTrue(m.contains(f), "expected «" + f + "» in: " + m);
      }
      assertFalse(m.contains("?."), "a doubled full stop in: " + m);
      if (c.entry().startsWith("CLI")) {
        assertEquals(SparkDl.BAD_INPUT, o.code(), m);
        assertFalse(m.contains("\tat "), "a stack trace reached the user: " + m);
        assertFalse(m.contains("Exception in thread"), m);
        assertTrue(m.startsWith("spark-dl ") || m.startsWith("Unmatched argument")
            || m.startsWith("Missing required"), m);
        assertFalse(o.stdout().contains("RESULT"), o.stdout());
      } else {
        assertFalse(m.startsWith("NullPointerException") || m.startsWith("StackOverflow"), m);
      }
      if (c.driverKnown()) {
        assertTrue(jobs.isEmpty(), "Spark jobs " + jobs + " ran before failing with: " + m);
      }
      for (String d : jobs) {
        assertFalse(d.startsWith(DistributedTrainer.JOB_PREFIX),
            "a training job (" + d + ") ran before failing with: " + m);
      }
      if (c.output() != null) {
        assertFalse(Files.exists(c.output()), "something was left at " + c.output());
      }
      String first = m.replace(dir.toString() + "/", "").replace(stage.toString(), "golden-stage")
          .replace('\n', ' ').replace("|", "\\|");
      first = first.length() > 110 ? first.substring(0, 110) + "…" : first;
      ROWS.add("| " + c.entry() + " | " + c.input().replace("|", "\\|") + " | "
          + (o.code() < 0 ? "exception" : String.valueOf(o.code())) + " | " + first + " |");
    });
  }

  static String job(String train, String features, String layers, String extra, String fit,
      String output) {
    return "{\"train\": {\"path\": \"" + train + "\", \"format\": \"csv\"}, \"features\": "
        + features + ", \"label\": \"target_name\", \"task\": \"classification\", \"layers\": "
        + layers + extra + ", \"compile\": {\"loss\": \"auto\", \"optimizer\": \"adam\"},"
        + " \"fit\": " + fit + ", \"output\": \"" + output + "\"}";
  }

  static String job(String fit, Path output) {
    return job(iris.toString(), FEATURES, LAYERS, "", fit, output.toString());
  }

  static Outcome train(String name, String text) {
    return train(name, text.getBytes(StandardCharsets.UTF_8));
  }

  static Outcome train(String name, byte[] bytes) {
    Path f = dir.resolve(name + ".json");
    try {
      Files.write(f, bytes);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return cli("train", "--job", f.toString());
  }

  static Path csv(String name, String text) {
    Path f = dir.resolve(name + ".csv");
    try {
      Files.writeString(f, text);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return f;
  }

  static Path file(String name, String text) {
    Path f = dir.resolve(name);
    try {
      Files.writeString(f, text);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return f;
  }

  static Path out(String name) {
    return dir.resolve("out-" + name);
  }

  static String nested(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  static final StructType VECTORS = new StructType(new StructField[] {
    new StructField("features", SQLDataTypes.VectorType(), true, Metadata.empty()),
    new StructField("label", DataTypes.DoubleType, true, Metadata.empty())
  });

  static Dataset<Row> vectors(int n, double bad) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(RowFactory.create(Vectors.dense(i, i == 2 ? bad : -i, 0.5 * i, 1), (double) (i % 3)));
    }
    return spark.createDataFrame(rows, VECTORS);
  }

  static NeuralNetClassifier clf() {
    return new NeuralNetClassifier().setLayers(Sequential.of(Dense.units(8).activation("relu"),
        Dense.units(3).activation("softmax"))).setEpochs(1).setVerbose(0);
  }

  // ------------------------------------------------------------------------------------ cases

  static Stream<Case> estimatorParams() {
    return Stream.of(
        new Case("NeuralNetClassifier.setEpochs", "0", true, null,
            () -> api(() -> clf().setEpochs(0)), "epochs given invalid value 0", "expected >= 1"),
        new Case("NeuralNetClassifier.setBatchSize", "0", true, null,
            () -> api(() -> clf().setBatchSize(0)), "batchSize given invalid value 0",
            "expected >= 1", "setBatchSize"),
        new Case("NeuralNetRegressor.setValidationSplit", "1.0", true, null,
            () -> api(() -> new NeuralNetRegressor().setValidationSplit(1.0)),
            "validationSplit given invalid value 1.0", "expected in [0, 1)"),
        new Case("NeuralNetClassifier.setNumWorkers", "-1", true, null,
            () -> api(() -> clf().setNumWorkers(-1)), "numWorkers given invalid value -1",
            "expected >= 0"),
        new Case("NeuralNetClassifier.setLearningRate", "-0.1", true, null,
            () -> api(() -> clf().setLearningRate(-0.1)), "learningRate given invalid value -0.1",
            "expected > 0"),
        new Case("NeuralNetClassifier.setLoss", "\"cross_entropy\"", true, null,
            () -> api(() -> clf().setLoss("cross_entropy")), "Unknown loss 'cross_entropy'",
            "categorical_crossentropy"),
        new Case("NeuralNetClassifier.setOptimizer", "\"adamm\"", true, null,
            () -> api(() -> clf().setOptimizer("adamm")), "Unknown optimizer 'adamm'", "adam"),
        new Case("NeuralNetClassifier.fit", "no layers set", true, null,
            () -> api(() -> new NeuralNetClassifier().fit(vectors(10, 1))),
            "The network is not set", "setLayers"));
  }

  static Stream<Case> schemas() {
    StructType strings = new StructType().add("features", DataTypes.StringType)
        .add("label", DataTypes.DoubleType);
    Dataset<Row> text = spark.createDataFrame(List.of(RowFactory.create("1,2", 0.0)), strings);
    return Stream.of(
        new Case("NeuralNetClassifier.fit", "featuresCol \"feats\" missing", true, null,
            () -> api(() -> clf().setFeaturesCol("feats").fit(vectors(10, 1))),
            "features column 'feats' does not exist", "Available columns: features, label",
            "setFeaturesCol"),
        new Case("NeuralNetClassifier.fit", "features column of strings", true, null,
            () -> api(() -> clf().fit(text)), "Column features must be of type Vector",
            "was actually of type string", "VectorAssembler"),
        new Case("NeuralNetClassifier.fit", "labelCol \"y\" missing", true, null,
            () -> api(() -> clf().setLabelCol("y").fit(vectors(10, 1))),
            "label column 'y' does not exist", "setLabelCol"),
        new Case("NeuralNetRegressor.fit", "3-unit output layer", true, null,
            () -> api(() -> new NeuralNetRegressor().setLayers(Sequential.of(Dense.units(3)))
                .fit(vectors(10, 1))), "predicts one value per row", "has 3 units", "Dense(1)"),
        new Case("NeuralNetClassifier.fit", "inputShape [5] for 4-value assembled vectors", true,
            null, () -> api(() -> {
              Dataset<Row> assembled = new VectorAssembler().setInputCols(new String[] {
                  "sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"})
                  .setOutputCol("features").transform(spark.read().option("header", "true")
                      .schema("sepal_length_cm double, sepal_width_cm double, petal_length_cm"
                          + " double, petal_width_cm double, target int, target_name string")
                      .csv(iris.toString()));
              clf().setLayers(Sequential.of(Dense.units(3).activation("softmax"))
                  .withInputShape(List.of(5))).setLabelCol("target").fit(assembled);
            }), "holds vectors of 4 values", "needs 5", "Fix the input shape"),
        new Case("NeuralNetClassifier.fit", "Dense(10^9) after 4 inputs", true, null,
            () -> api(() -> clf().setLayers(Sequential.of(Dense.units(1_000_000_000)
                .activation("relu"), Dense.units(3).activation("softmax"))
                .withInputShape(List.of(4))).fit(vectors(10, 1))),
            "8,000,000,003 parameters", "Dense(1000000000", "sparkdl.maxParams",
            "the driver's heap of", "smaller"),
        new Case("NeuralNetClassifier.fit", "inputShape of 10^10 values", true, null,
            () -> api(() -> clf().setLayers(Sequential.of(Dense.units(3).activation("softmax"))
                .withInputShape(List.of(100_000, 100_000))).fit(vectors(10, 1))),
            "10,000,000,000 values", "at most 2,147,483,639"));
  }

  static Stream<Case> dataValues() {
    return Stream.of(
        new Case("NeuralNetClassifier.fit", "NaN in a feature vector", false, null,
            () -> api(() -> clf().fit(vectors(10, Double.NaN))),
            "holds NaN, infinite or null values in 1 of 10 rows", "Imputer"),
        new Case("NeuralNetClassifier.fit", "label 5.0 for 3 classes", false, null,
            () -> api(() -> clf().fit(vectors(10, 1).withColumn("label",
                org.apache.spark.sql.functions.lit(5.0)))),
            "must hold class indices 0.0 .. 2.0", "5.0"),
        new Case("NeuralNetClassifier.fit", "empty DataFrame", false, null,
            () -> api(() -> clf().fit(vectors(0, 1))), "The training DataFrame is empty"));
  }

  static Stream<Case> kerasJson() {
    return Stream.of(
        new Case("Sequential.fromJson", "not JSON", true, null,
            () -> api(() -> Sequential.fromJson("{\"class_name\": ")), "is not valid JSON",
            "Received"),
        new Case("Sequential.fromJson", "class_name \"Dence\"", true, null,
            () -> api(() -> Sequential.fromJson(
                "[{\"class_name\": \"Dence\", \"config\": {\"units\": 3}}]")),
            "Unknown layer class_name 'Dence'", "Dense"),
        new Case("Sequential.fromJson", "units -1", true, null,
            () -> api(() -> Sequential.fromJson(
                "[{\"class_name\": \"Dense\", \"config\": {\"units\": -1}}]")),
            "expected a positive integer", "units=-1"),
        new Case("Sequential.fromJson", "nested 100,000 levels deep", true, null,
            () -> api(() -> Sequential.fromJson(nested(100_000))), "nested", "1000"),
        new Case("KerasModels.read", "a text file named .h5", true, null,
            () -> api(() -> KerasModels.read(file("not-hdf5.h5", "hello").toString())),
            "not-hdf5.h5", "not an HDF5 file"),
        new Case("KerasModels.read", "a truncated .h5", true, null, () -> api(() -> {
          Path h5 = dir.resolve("truncated.h5");
          try {
            Files.copy(Path.of("/work/shared/data/keras-models/examples/simple_sparse_xent/"
                + "simple_sparse_xent_mlp_keras_2_model.h5"), h5);
            truncate(h5);
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
          KerasModels.read(h5.toString());
        }), "truncated.h5", "damaged"),
        new Case("KerasModels.read", "a .keras zip without config.json", true, null,
            () -> api(() -> {
              Path z = dir.resolve("empty.keras");
              try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(z))) {
                zip.putNextEntry(new ZipEntry("metadata.json"));
                zip.write("{}".getBytes(StandardCharsets.UTF_8));
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
              KerasModels.read(z.toString());
            }), "without config.json"),
        new Case("KerasModels.read", "no such file", true, null,
            () -> api(() -> KerasModels.read(dir.resolve("nope.h5").toString())),
            "no such file"));
  }

  static Stream<Case> modelDirectories() {
    return Stream.of(
        new Case("NeuralNetClassificationModel.load", "a PipelineModel's directory", false, null,
            () -> api(() -> NeuralNetClassificationModel.load(pipeline.toString())),
            "holds a org.apache.spark.ml.PipelineModel", "PipelineModel.load"),
        new Case("NeuralNetClassificationModel.load", "weights.bin cut in half", false, null,
            () -> api(() -> NeuralNetClassificationModel.load(damagedStage.toString())),
            "weights.bin", "damaged", "Save the model again"),
        new Case("NeuralNetClassificationModel.load", "a missing directory", true, null,
            () -> api(() -> NeuralNetClassificationModel.load(dir.resolve("none").toString())),
            "does not exist"));
  }

  static Stream<Case> jobFiles() {
    return Stream.of(
        cliCase("train: job file nested 100,000 levels deep", true, out("deep"),
            () -> train("deep", nested(100_000)), "spark-dl train:", "nested more than 1000"),
        cliCase("train: Latin-1 job file", true, out("latin1"),
            () -> train("latin1", job("{\"epochs\": 1}", out("latin1")).replace("target_name",
                "caf\u00e9").getBytes(StandardCharsets.ISO_8859_1)),
            "not UTF-8", "byte 0xE9", "line 1", "Save the job file as UTF-8"),
        cliCase("train: not JSON", true, out("notjson"), () -> train("notjson", "{\"train\": "),
            "The job file is not valid JSON", "line 1"),
        cliCase("train: fit.epochs 0", true, out("epochs0"),
            () -> train("epochs0", job("{\"epochs\": 0}", out("epochs0"))),
            "fit.epochs given invalid value 0", "expected >= 1"),
        cliCase("train: fit.epochs -1", true, out("epochsm1"),
            () -> train("epochsm1", job("{\"epochs\": -1}", out("epochsm1"))),
            "fit.epochs given invalid value -1", "expected >= 1"),
        cliCase("train: fit.batchSize 0", true, out("batch0"),
            () -> train("batch0", job("{\"batchSize\": 0}", out("batch0"))),
            "fit.batchSize given invalid value 0", "expected >= 1"),
        cliCase("train: fit.validationSplit 1.5", true, out("split"),
            () -> train("split", job("{\"validationSplit\": 1.5}", out("split"))),
            "fit.validationSplit given invalid value 1.5", "expected in [0, 1)"),
        cliCase("train: unknown key \"lable\"", true, out("lable"),
            () -> train("lable", job("{}", out("lable")).replace("\"label\"", "\"lable\"")),
            "Unknown key \"lable\" — did you mean \"label\"? Valid keys"),
        cliCase("train: Dense(10^9) units", true, out("huge"),
            () -> train("huge", job(iris.toString(), FEATURES, "[{\"class_name\": \"Dense\","
                + " \"config\": {\"units\": 1000000000}}, {\"class_name\": \"Dense\", \"config\":"
                + " {\"units\": 3, \"activation\": \"softmax\"}}]", "", "{}",
                out("huge").toString())),
            "layers:", "8,000,000,003 parameters", "Dense(1000000000", "sparkdl.maxParams"),
        cliCase("train: inputShape of 10^10 values", true, out("wide"),
            () -> train("wide", job(iris.toString(), FEATURES, LAYERS,
                ", \"inputShape\": [100000, 100000]", "{}", out("wide").toString())),
            "10,000,000,000 values", "at most 2,147,483,639"),
        cliCase("train: output under /proc", true, null,
            () -> train("proc", job("{}", Path.of("/proc/spark-dl-bad-input/model"))),
            "output /proc/spark-dl-bad-input/model cannot be written", "writable"),
        cliCase("train: output under a file", true, null,
            () -> train("underfile", job("{}", iris.resolve("model"))),
            "cannot be written", "is a file"),
        cliCase("train: data path missing", true, out("missing"),
            () -> train("missing", job(dir.resolve("no.csv").toString(), FEATURES, LAYERS, "",
                "{}", out("missing").toString())), "train.path: cannot read", "no such file"),
        cliCase("train: label column \"target_nam\"", false, out("labeltypo"),
            () -> train("labeltypo", job("{}", out("labeltypo")).replace("\"target_name\"",
                "\"target_nam\"")), "no column \"target_nam\" — did you mean \"target_name\"?"
                + " Columns:"),
        cliCase("train: a string feature column", false, out("strings"),
            () -> train("strings", job(csv("strings", "a,b,target_name\n1,x,p\n2,y,q\n")
                .toString(), "[\"a\", \"b\"]", LAYERS, "", "{}", out("strings").toString())),
            "feature column \"b\" holds strings", "numbers", "cast"),
        cliCase("train: header-only CSV", false, out("header"),
            () -> train("header", job(csv("header", "a,b,target_name\n").toString(),
                "[\"a\", \"b\"]", LAYERS, "", "{}", out("header").toString())),
            "has no rows", "header"),
        cliCase("train: an empty cell in a feature column", false, out("empty-cell"),
            () -> train("emptycell", job(csv("emptycell", "a,b,target_name\n1,2,p\n3,4,q\n5,,p\n"
                + "7,8,q\n").toString(), "[\"a\", \"b\"]", LAYERS, "", "{}",
                out("empty-cell").toString())),
            "feature column \"b\" is empty in 1 of 4 rows", "row 3", "5,null,p",
            "drop"),
        cliCase("train: NaN in a feature column", false, out("nan"),
            () -> train("nan", job(csv("nan", "a,b,target_name\n1,2,p\n3,NaN,q\n5,6,p\n")
                .toString(), "[\"a\", \"b\"]", LAYERS, "", "{}", out("nan").toString())),
            "feature column \"b\" is empty or NaN in 1 of 3 rows", "row 2"),
        cliCase("train: an empty label cell", false, out("nolabel"),
            () -> train("nolabel", job(csv("nolabel", "a,b,target_name\n1,2,p\n3,4,\n5,6,q\n")
                .toString(), "[\"a\", \"b\"]", LAYERS, "", "{}", out("nolabel").toString())),
            "label column \"target_name\" is empty in 1 of 3 rows", "row 2"),
        cliCase("train: no --job option", true, null, () -> cli("train"),
            "Missing required option: '--job=<job>'"),
        cliCase("unknown subcommand \"trian\"", true, null, () -> cli("trian"),
            "Unmatched argument"));
  }

  static Stream<Case> commandLines() {
    Path existing = dir.resolve("existing-scores");
    return Stream.of(
        cliCase("score: --output exists", true, null, () -> {
          try {
            Files.createDirectories(existing);
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
          return cli("score", "--model", pipeline.toString(), "--input", iris.toString(),
              "--output", existing.toString());
        }, "--output " + existing + " already exists", "--overwrite"),
        cliCase("score: input lacks a feature column", false, out("score-lacks"),
            () -> cli("score", "--model", pipeline.toString(), "--input",
                csv("lacks", "sepal_length_cm,sepal_width_cm,petal_length_cm\n1,2,3\n")
                    .toString(), "--output", out("score-lacks").toString()),
            "--input: the data has no column \"petal_width_cm\"", "The model reads"),
        cliCase("score: an empty cell in a feature column", false, out("score-empty"),
            () -> cli("score", "--model", pipeline.toString(), "--input",
                csv("score-empty", "sepal_length_cm,sepal_width_cm,petal_length_cm,"
                    + "petal_width_cm\n5.1,3.5,1.4,0.2\n4.9,,1.4,0.2\n").toString(),
                "--output", out("score-empty").toString()),
            "--input: feature column \"sepal_width_cm\" is empty or NaN in 1 of 2 rows",
            "row 2 (4.9,null,1.4,0.2)", "Imputer"),
        cliCase("score: --model is a single stage", true, out("score-stage"),
            () -> cli("score", "--model", stage.toString(), "--input", iris.toString(),
                "--output", out("score-stage").toString()),
            "is a single NeuralNetClassificationModel stage", "not a pipeline",
            "spark-dl import"),
        cliCase("score: --output-format xml", true, out("score-xml"),
            () -> cli("score", "--model", pipeline.toString(), "--input", iris.toString(),
                "--output", out("score-xml").toString(), "--output-format", "xml"),
            "--output-format must be parquet, json or csv; got \"xml\""),
        cliCase("score: --input format unknown", true, out("score-fmt"),
            () -> cli("score", "--model", pipeline.toString(), "--input", iris.toString(),
                "--format", "xlsx", "--output", out("score-fmt").toString()),
            "--input.format must be one of"),
        cliCase("summary: a directory that is no model", true, null,
            () -> cli("summary", "--model", dir.toString()), "is not a saved model",
            "no metadata/"),
        cliCase("summary: a missing directory", true, null,
            () -> cli("summary", "--model", dir.resolve("nothing").toString()),
            "--model: cannot read", "no such file"),
        cliCase("summary: truncated weights.bin", false, null,
            () -> cli("summary", "--model", damaged.toString()), "weights.bin", "damaged",
            "Save the model again"),
        cliCase("evaluate: input lacks the label", false, null,
            () -> cli("evaluate", "--model", pipeline.toString(), "--input",
                csv("nolabelcol", "sepal_length_cm,sepal_width_cm,petal_length_cm,"
                    + "petal_width_cm\n1,2,3,4\n").toString()),
            "no column \"label\""),
        cliCase("import: a text file as .h5", true, out("import-text"),
            () -> cli("import", "--keras", file("text.h5", "hello").toString(), "--out",
                out("import-text").toString()), "not an HDF5 file"),
        cliCase("import: --task clustering", true, out("import-task"),
            () -> cli("import", "--keras", iris.toString(), "--out", out("import-task")
                .toString(), "--task", "clustering"),
            "--task must be classification or regression"),
        cliCase("export: --format pmml", true, out("export-pmml"),
            () -> cli("export", "--model", pipeline.toString(), "--format", "pmml", "--out",
                out("export-pmml").toString()), "pmml"));
  }

  @TestFactory
  Stream<DynamicTest> matrix() {
    return Stream.of(estimatorParams(), schemas(), dataValues(), kerasJson(), modelDirectories(),
        jobFiles(), commandLines()).flatMap(s -> s).map(BadInputMatrixTest::test);
  }

  /**
   * Too little data for the workers asked for: training goes on with fewer workers and says so
   * (never silently); a single training row trains (as in Keras) with a note.
   */
  @Test
  void tooFewRowsForTheWorkersTrainOnFewerWithANote() {
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.err;
    System.setErr(new java.io.PrintStream(err, true));
    NeuralNetClassificationModel m;
    try {
      m = clf().setNumWorkers(8).setBatchSize(32).fit(vectors(2, 1));
    } finally {
      System.setErr(old);
    }
    String note = err.toString(StandardCharsets.UTF_8);
    assertTrue(note.contains("numWorkers is 8, but 2 training rows"), note);
    assertTrue(note.contains("training on 1"), note);
    assertTrue(note.contains("fewer training rows (2) than batchSize (32)"), note);
    assertEquals(1, m.history().size());

    err.reset();
    System.setErr(new java.io.PrintStream(err, true));
    try {
      m = clf().setNumWorkers(8).fit(vectors(1, 1));
    } finally {
      System.setErr(old);
    }
    note = err.toString(StandardCharsets.UTF_8);
    assertTrue(note.contains("numWorkers is 8, but 1 training rows"), note);
    assertTrue(note.contains("fewer training rows (1) than batchSize (32)"), note);
    assertEquals(1, m.state().trainRows());
  }
}
