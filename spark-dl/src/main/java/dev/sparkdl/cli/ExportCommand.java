package dev.sparkdl.cli;

import dev.sparkdl.ml.NeuralNetModel;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spark-dl export}: writes a saved model as ONNX or as a Keras 3 .keras file. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write a saved model as ONNX (opset 17; input 'input', output 'output', the"
        + " prediction with its final activation) or as a Keras 3 .keras file (config.json with"
        + " compile_config, metadata.json, model.weights.h5).")
public final class ExportCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "A model saved by train (a PipelineModel directory).")
  String model;

  @Option(names = "--format", required = true, paramLabel = "onnx|keras",
      description = "onnx or keras.")
  String format;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "The file to write: a local path or any Hadoop URI.")
  String out;

  @Option(names = "--overwrite", description = "Replace FILE if it exists.")
  boolean overwrite;

  @Override
  public Integer call() {
    String f = format.toLowerCase(java.util.Locale.ROOT);
    if (!f.equals("onnx") && !f.equals("keras")) {
      throw new JobFileException("--format must be onnx or keras; got \"" + format + "\".");
    }
    SparkSession spark = Cli.session("export");
    NeuralNetModel m = Cli.network(Cli.loadModel(spark, model), model);
    if (f.equals("onnx")) {
      m.exportOnnx(out, overwrite);
    } else {
      m.exportKeras(out, overwrite);
    }
    System.out.println("Wrote " + out + " (" + f + ")");
    return 0;
  }
}
