package dev.sparkdl.examples;

import picocli.CommandLine.Option;

/** The options every Spark example shares (a picocli mixin). */
final class SparkOptions {
  @Option(names = "--workers", description = "partitions trained in parallel (default: ${DEFAULT-VALUE})")
  int workers = 2;

  @Option(names = "--master", description = "Spark master (default: ${DEFAULT-VALUE})")
  String master = "local[*]";
}
