package dev.sparkdl.cli;

import dev.sparkdl.ml.KerasModels;
import dev.sparkdl.ml.NeuralNetModel;
import dev.sparkdl.spec.SpecException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code import --keras FILE [--weights-json JSON] --out DIR}: turns a Keras model (a Keras 2
 * whole-model {@code .h5}, a weights {@code .h5} with its architecture JSON, or a Keras 3 {@code
 * .keras}) into a model directory that {@code score}, {@code evaluate}, {@code summary} and a
 * warm-started {@code train} read (a PipelineModel of one network stage).
 */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Import a Keras model (.h5 or .keras) as a spark-dl model.")
final class ImportCommand implements Callable<Integer> {
  @Option(names = "--keras", required = true,
      description = "the Keras file: a whole-model .h5, a .keras zip, or weights .h5 with"
          + " --weights-json")
  String keras;

  @Option(names = "--weights-json",
      description = "the architecture JSON (model.to_json()) when --keras holds weights only")
  String weightsJson;

  @Option(names = "--out", required = true, description = "where to save the model")
  String out;

  @Option(names = "--task",
      description = "classification or regression (default: from the output layer)")
  String task;

  @Option(names = "--overwrite", description = "replace an existing model directory")
  boolean overwrite;

  @Option(names = "--input-shape", split = ",",
      description = "the per-sample input shape, e.g. 40,3, for a file whose input has unknown"
          + " axes (sequences of any length)")
  int[] inputShape;

  @Override
  public Integer call() throws IOException {
    KerasModels.Task t = task == null ? KerasModels.Task.AUTO : switch (task.toLowerCase(Locale.ROOT)) {
      case "classification" -> KerasModels.Task.CLASSIFICATION;
      case "regression" -> KerasModels.Task.REGRESSION;
      default -> throw new JobFileException("--task must be classification or regression; got \""
          + task + "\".");
    };
    SparkSession spark = Cli.session("import");
    Cli.requireReadable(spark, keras, "--keras");
    if (weightsJson != null) {
      Cli.requireReadable(spark, weightsJson, "--weights-json");
    }
    Path target = new Path(out);
    FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
    if (fs.exists(target) && !overwrite) {
      throw new JobFileException("--out " + out + " already exists; give --overwrite to replace"
          + " it.");
    }
    Cli.requireWritable(spark, out, "--out");
    long t0 = System.nanoTime();
    KerasModels.Imported imported;
    NeuralNetModel model;
    try {
      imported = weightsJson == null ? KerasModels.read(keras)
          : KerasModels.read(keras, weightsJson);
      if (inputShape != null) {
        imported = imported.withInputShape(inputShape);
      }
      model = imported.toModel(t);
    } catch (SpecException e) {
      throw new JobFileException(keras + ": the architecture is not supported: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new JobFileException(e.getMessage());
    }
    PipelineModel pipeline = new PipelineModel(Identifiable$.MODULE$.randomUID("pipeline"),
        new Transformer[] {(Transformer) model});
    if (overwrite) {
      pipeline.write().overwrite().save(out);
    } else {
      pipeline.write().save(out);
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("command", "import");
    r.put("keras", keras);
    r.put("format", imported.format());
    r.put("kerasVersion", imported.kerasVersion());
    r.put("out", out);
    r.put("model", ((Transformer) model).getClass().getSimpleName());
    r.put("layers", imported.network().layers().size());
    r.put("params", imported.network().paramCount());
    r.put("compile", imported.compile() != null ? "file" : "defaults");
    if (imported.compileNote() != null) {
      r.put("compileNote", imported.compileNote());
    }
    r.put("seconds", TestSetMetrics.round((System.nanoTime() - t0) / 1e9));
    Cli.result(r);
    return 0;
  }
}
