package dev.sparkdl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkdl.data.Mnist;
import dev.sparkdl.ml.NeuralNetModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** What the commands share: the session, reading data and files, the RESULT line. */
final class Cli {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Cli() {}

  /**
   * The Spark session: the master spark-submit configured, or {@code local[*]} when none is set
   * (bin/spark-dl, or a plain {@code java -cp}).
   */
  static SparkSession session(String command) {
    SparkSession.Builder b = SparkSession.builder().appName("spark-dl " + command);
    if (!new SparkConf().contains("spark.master")) {
      b.master("local[*]").config("spark.ui.enabled", "false");
    }
    return b.getOrCreate();
  }

  /** Reads a whole (small) text file from any Hadoop file system. */
  static String readText(SparkSession spark, String path, String what) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        throw new JobFileException("Cannot read the " + what + " " + path + ": no such file.");
      }
      try (InputStream in = fs.open(p)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new JobFileException("Cannot read the " + what + " " + path + ": " + e.getMessage());
    }
  }

  /** Checks a data path exists before any job, naming the key it came from. */
  static void requireReadable(SparkSession spark, String path, String key) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      org.apache.hadoop.fs.FileStatus[] found = fs.globStatus(p);
      if (found == null || found.length == 0) {
        throw new JobFileException(key + ": cannot read " + path + ": no such file or directory.");
      }
    } catch (IOException e) {
      throw new JobFileException(key + ": cannot read " + path + ": " + e.getMessage());
    }
  }

  /** Reads a data source. */
  static Dataset<Row> read(SparkSession spark, JobFile.DataSource source, String key,
      boolean training) {
    requireReadable(spark, source.path(), key + ".path");
    Map<String, String> options = new LinkedHashMap<>(source.options());
    switch (source.format()) {
      case "mnist-idx" -> {
        String split = options.getOrDefault("split", training ? "train" : "t10k");
        int partitions = spark.sparkContext().defaultParallelism();
        return "train".equals(split) ? Mnist.train(spark, source.path(), partitions)
            : Mnist.test(spark, source.path(), partitions);
      }
      case "csv" -> {
        options.putIfAbsent("header", "true");
        options.putIfAbsent("inferSchema", "true");
      }
      default -> { }
    }
    return spark.read().format(source.format()).options(options).load(source.path());
  }

  /** Fails with the available columns when one is missing. */
  static void requireColumns(Dataset<Row> data, List<String> columns, String key) {
    List<String> have = Arrays.asList(data.columns());
    for (String c : columns) {
      if (!have.contains(c)) {
        throw new JobFileException(key + ": the data has no column \"" + c + "\""
            + JobFile.suggestion(c, have) + ". Columns: " + String.join(", ", have) + ".");
      }
    }
  }

  /**
   * Applies a fitted pipeline to rows that may lack the label: label indexers whose input
   * column is absent are skipped.
   */
  static Dataset<Row> transform(PipelineModel model, Dataset<Row> data) {
    Dataset<Row> out = data;
    for (Transformer t : model.stages()) {
      if (t instanceof StringIndexerModel s && !Arrays.asList(out.columns()).contains(s.getInputCol())) {
        continue;
      }
      out = t.transform(out);
    }
    return out;
  }

  /** @return the network stage of a fitted pipeline */
  static NeuralNetModel network(PipelineModel model, String path) {
    for (Transformer t : model.stages()) {
      if (t instanceof NeuralNetModel m) {
        return m;
      }
    }
    throw new JobFileException(path + " is a PipelineModel without a spark-dl network stage.");
  }

  /** Loads a model saved by {@code train} (a PipelineModel). */
  static PipelineModel loadModel(SparkSession spark, String path) {
    requireReadable(spark, path, "--model");
    return PipelineModel.load(path);
  }

  /** @return the pids of the executor JVMs that trained the final round (survivors of faults) */
  static List<Long> executorPids(NeuralNetModel model) {
    List<Long> pids = new ArrayList<>();
    var rounds = model.state().rounds();
    for (int i = rounds.size() - 1; i >= 0 && pids.isEmpty(); i--) {
      rounds.get(i).tasks().forEach(t -> {
        if (!pids.contains(t.pid())) {
          pids.add(t.pid());
        }
      });
    }
    return pids;
  }

  /** Prints the machine-readable summary line. */
  static void result(Map<String, Object> figures) {
    try {
      System.out.println("RESULT " + JSON.writeValueAsString(figures));
      System.out.flush();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
