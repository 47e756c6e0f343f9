package dev.sparkdl.cli;

import dev.sparkdl.ml.NeuralNetModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code score --model PATH --input DATA --output PATH}: writes the input rows with the
 * prediction (and, for classifiers, the class probabilities as an array and the predicted label
 * name when labels were strings).
 */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = "Write predictions of a saved model for new rows.")
final class ScoreCommand implements Callable<Integer> {
  @Mixin
  ModelInput in = new ModelInput();

  @Option(names = "--output", required = true, description = "where to write the predictions")
  String output;

  @Option(names = "--output-format", description = "parquet (default), json or csv")
  String outputFormat = "parquet";

  @Option(names = "--batch-size", description = "rows per prediction call (default: the model's)")
  Integer batchSize;

  @Option(names = "--overwrite", description = "replace an existing output")
  boolean overwrite;

  @Override
  public Integer call() {
    if (!List.of("parquet", "json", "csv").contains(outputFormat)) {
      throw new JobFileException("--output-format must be parquet, json or csv; got \""
          + outputFormat + "\".");
    }
    SparkSession spark = Cli.session("score");
    if (!overwrite) {
      Cli.requireAbsent(spark, output, "--output", "add --overwrite");
    }
    Cli.requireWritable(spark, output, "--output");
    JobFile.dataSource(in.input, in.format, in.options, "--input"); // the format, before any job
    PipelineModel fitted = Cli.loadModel(spark, in.model);
    NeuralNetModel nn = Cli.network(fitted, in.model);
    if (batchSize != null) {
      try {
        nn.setInferenceBatchSize(batchSize);
      } catch (IllegalArgumentException e) {
        throw new JobFileException("--batch-size must be >= 1; got " + batchSize + ".");
      }
    }
    Dataset<Row> data = in.read(spark);
    in.requireInputColumns(data, fitted);
    Dataset<Row> scored = Cli.transform(fitted, data);
    List<Column> cols = new ArrayList<>();
    for (String c : data.columns()) {
      cols.add(functions.col(c));
    }
    List<String> outCols = Arrays.asList(scored.columns());
    cols.add(functions.col("prediction"));
    for (String c : outCols) {
      if (c.startsWith("predicted_")) {
        cols.add(functions.col(c));
      }
    }
    if (outCols.contains("probability")) {
      Column p = org.apache.spark.ml.functions.vector_to_array(functions.col("probability"), "float64");
      cols.add("csv".equals(outputFormat) ? functions.concat_ws(";", p.cast("array<string>")).as("probability")
          : p.as("probability"));
    }
    Dataset<Row> result = scored.select(cols.toArray(new Column[0]));
    long t0 = System.nanoTime();
    var writer = result.write().format(outputFormat).mode(overwrite ? "overwrite" : "errorifexists");
    if ("csv".equals(outputFormat)) {
      writer = writer.option("header", "true");
    }
    writer.save(output);
    long rows = spark.read().format(outputFormat).option("header", "true").load(output).count();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("command", "score");
    r.put("model", in.model);
    r.put("output", output);
    r.put("rows", rows);
    r.put("seconds", TestSetMetrics.round((System.nanoTime() - t0) / 1e9));
    Cli.result(r);
    return 0;
  }
}
