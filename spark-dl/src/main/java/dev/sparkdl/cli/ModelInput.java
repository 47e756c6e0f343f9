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

  /** @return the input rows, read as the options say */
  Dataset<Row> read(SparkSession spark) {
    return Cli.read(spark, JobFile.dataSource(input, format, options, "--input"), "--input", false);
  }
}
