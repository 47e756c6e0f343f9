package dev.sparkdl.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** The options score and evaluate share (a picocli mixin): the saved model and the rows to read. */
final class ModelInput {
  @Option(names = "--model", required = true, description = "a model saved by train")
  String model;

  @Option(names = "--input", required = true,
      description = "the rows to score (for evaluate: with their labels)")
  String input;

  @Option(names = "--format", description = "input format: csv, parquet, json, libsvm, mnist-idx"
      + " (default: from the file name)")
  String format;

  @Option(names = "--option", description = "reader option key=value (repeatable)")
  Map<String, String> options = new LinkedHashMap<>();

  /** Fails before scoring when the rows lack a column the model reads. */
  void requireInputColumns(Dataset<Row> data, org.apache.spark.ml.PipelineModel model) {
    java.util.List<String> needed = Cli.inputColumns(model);
    try {
      Cli.requireColumns(data, needed, "--input");
    } catch (JobFileException e) {
      throw new JobFileException(e.getMessage() + " The model reads " + String.join(", ", needed)
          + ".");
    }
    // the assembler's numeric inputs: an empty or NaN cell would fail inside a Spark task
    java.util.List<String> numeric = new java.util.ArrayList<>();
    for (org.apache.spark.ml.Transformer t : model.stages()) {
      if (t instanceof org.apache.spark.ml.feature.VectorAssembler v) {
        DataChecks.featureTypes(data, java.util.List.of(v.getInputCols()), "--input", input);
        for (String c : v.getInputCols()) {
          if (data.schema().apply(c).dataType() instanceof org.apache.spark.sql.types.NumericType) {
            numeric.add(c);
          }
        }
      }
    }
    if (!numeric.isEmpty()) {
      DataChecks.values(data, numeric, null, "--input");
    }
  }

  /** @return the input rows, read as the options say */
  Dataset<Row> read(SparkSession spark) {
    return Cli.read(spark, JobFile.dataSource(input, format, options, "--input"), "--input", false);
  }
}
