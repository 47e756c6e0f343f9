package dev.sparkdl.cli;

import dev.sparkdl.ml.NeuralNetClassificationModel;
import dev.sparkdl.ml.NeuralNetModel;
import dev.sparkdl.ml.NeuralNetRegressionModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code evaluate --model PATH --input DATA}: prints {@code RESULT {json}} with the metrics. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Score labelled rows with a saved model and print the metrics.")
final class EvaluateCommand implements Callable<Integer> {
  @Mixin
  ModelInput in = new ModelInput();

  @Override
  public Integer call() {
    SparkSession spark = Cli.session("evaluate");
    PipelineModel fitted = Cli.loadModel(spark, in.model);
    NeuralNetModel nn = Cli.network(fitted, in.model);
    Dataset<Row> rows = in.read(spark);
    in.requireInputColumns(rows, fitted);
    Dataset<Row> scored = Cli.transform(fitted, rows);
    String label = nn.getOrDefault(nn.getParam("labelCol")).toString();
    Cli.requireColumns(scored, java.util.List.of(label), "--input");
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("command", "evaluate");
    r.put("model", in.model);
    r.putAll(TestSetMetrics.of(scored, label, nn instanceof NeuralNetClassificationModel,
        nn instanceof NeuralNetRegressionModel reg ? reg : null, nn));
    Cli.result(r);
    return 0;
  }
}
