package dev.sparkdl.cli;

import dev.sparkdl.ml.NeuralNetClassificationModel;
import dev.sparkdl.ml.NeuralNetModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code evaluate --model PATH --input DATA}: prints {@code RESULT {json}} with the metrics. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Score labelled rows with a saved model and print the metrics.")
final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "a model saved by train")
  String model;

  @Option(names = "--input", required = true, description = "labelled rows")
  String input;

  @Option(names = "--format", description = "input format (default: from the file name)")
  String format;

  @Option(names = "--option", description = "reader option key=value (repeatable)")
  Map<String, String> options = new LinkedHashMap<>();

  @Override
  public Integer call() {
    SparkSession spark = Cli.session("evaluate");
    PipelineModel fitted = Cli.loadModel(spark, model);
    NeuralNetModel nn = Cli.network(fitted, model);
    Dataset<Row> in = Cli.read(spark, JobFile.dataSource(input, format, options, "--input"),
        "--input", false);
    Dataset<Row> scored = Cli.transform(fitted, in);
    String label = nn.getOrDefault(nn.getParam("labelCol")).toString();
    Cli.requireColumns(scored, java.util.List.of(label), "--input");
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("command", "evaluate");
    r.put("model", model);
    r.putAll(Metrics.of(scored, label, nn instanceof NeuralNetClassificationModel));
    Cli.result(r);
    return 0;
  }
}
