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
        return utf8(in.readAllBytes(), what, path);
      }
    } catch (IOException e) {
      throw new JobFileException("Cannot read the " + what + " " + path + ": " + e.getMessage());
    }
  }

  /**
   * Decodes UTF-8 strictly: a byte that is not UTF-8 (a file saved as Latin-1 or Windows-1252)
   * is named with its offset and line instead of becoming U+FFFD.
   */
  static String utf8(byte[] bytes, String what, String path) {
    java.nio.charset.CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
    java.nio.charset.CoderResult r = d.decode(in, out, true);
    if (!r.isError()) {
      r = d.flush(out);
    }
    if (r.isError()) {
      int offset = in.position();
      int line = 1;
      for (int i = 0; i < offset; i++) {
        line += bytes[i] == '\n' ? 1 : 0;
      }
      throw new JobFileException(String.format(java.util.Locale.ROOT, "The %s %s is not UTF-8:"
          + " byte 0x%02X at offset %d (line %d) is not valid UTF-8 (was it saved as Latin-1"
          + " or Windows-1252?). Save the %s as UTF-8, e.g. iconv -f latin1 -t utf-8 %s.",
          what, path, bytes[offset] & 0xFF, offset, line, what, new Path(path).getName()));
    }
    out.flip();
    String text = out.toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /**
   * Checks, before any job, that an output path can be written: no file on the way to it, and
   * (on local and HDFS file systems) a file can be created in its nearest existing directory.
   * Nothing is left behind.
   */
  static void requireWritable(SparkSession spark, String path, String key) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      Path a = p.getParent();
      while (a != null && !fs.exists(a)) {
        a = a.getParent();
      }
      if (a == null) {
        return;
      }
      if (!fs.getFileStatus(a).isDirectory()) {
        throw new JobFileException(key + " " + path + " cannot be written: " + a + " is a file,"
            + " not a directory. Choose an output in a writable directory.");
      }
      String scheme = fs.getUri().getScheme();
      if (!"file".equals(scheme) && !"hdfs".equals(scheme)) {
        return; // object stores: no directories to probe
      }
      Path probe = new Path(a, ".spark-dl-write-check-" + java.util.UUID.randomUUID());
      try {
        fs.create(probe, false).close();
      } catch (IOException | RuntimeException e) {
        throw new JobFileException(key + " " + path + " cannot be written: creating a file in "
            + a + " failed (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")."
            + " Choose an output in a writable directory, or make " + a + " writable.");
      } finally {
        fs.delete(probe, false);
      }
    } catch (IOException e) {
      throw new JobFileException(key + " " + path + " cannot be written: " + e.getMessage());
    }
  }

  /** Fails before any job when an output exists and may not be replaced. */
  static void requireAbsent(SparkSession spark, String path, String key, String howToReplace) {
    Path p = new Path(path);
    try {
      if (p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p)) {
        throw new JobFileException(key + " " + path + " already exists. Choose another path, or "
            + howToReplace + " to replace it.");
      }
    } catch (IOException e) {
      throw new JobFileException(key + " " + path + ": " + e.getMessage());
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
            + JobFile.endSentence(JobFile.suggestion(c, have)) + " Columns: "
            + String.join(", ", have) + ".");
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

  /**
   * Loads a model saved by {@code train} or {@code import} (a PipelineModel), first checking with
   * the file system alone (no Spark job) that the directory holds one.
   */
  static PipelineModel loadModel(SparkSession spark, String path) {
    requireReadable(spark, path, "--model");
    String saved = savedClass(spark, path);
    String pipeline = PipelineModel.class.getName();
    if (!pipeline.equals(saved)) {
      Path p = new Path(path);
      boolean inStages = p.getParent() != null && "stages".equals(p.getParent().getName());
      String simple = saved.substring(saved.lastIndexOf('.') + 1);
      throw new JobFileException("--model " + path + (saved.startsWith("dev.sparkdl.")
          ? " is a single " + simple + " stage (saved with model.save), not a pipeline as"
              + " spark-dl train and spark-dl import write." + (inStages
              ? " Give the pipeline's directory, " + p.getParent().getParent() + "." : "")
              + " To use a stage alone, wrap it: new PipelineModel(\"pipeline\", new"
              + " Transformer[] {model}).save(dir); a Keras file is imported by spark-dl import."
          : " holds a " + saved + ", not a pipeline saved by spark-dl train or spark-dl import."
              + " Give the directory such a command wrote."));
    }
    return PipelineModel.load(path);
  }

  /** @return the class name in a saved Spark ML directory's metadata (read without Spark) */
  private static String savedClass(SparkSession spark, String path) {
    Path dir = new Path(path);
    try {
      FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      Path meta = new Path(dir, "metadata");
      if (!fs.exists(meta)) {
        throw new JobFileException("--model " + path + " is not a saved model: it has no"
            + " metadata/ directory (every Spark ML save writes one). Give the directory that"
            + " spark-dl train or spark-dl import wrote.");
      }
      org.apache.hadoop.fs.FileStatus[] parts = fs.globStatus(new Path(meta, "part-*"));
      if (parts == null || parts.length == 0) {
        throw new JobFileException("--model " + path + " is incomplete: metadata/ holds no"
            + " part file (a save that did not finish?). Save or import the model again.");
      }
      String text;
      try (InputStream in = fs.open(parts[0].getPath())) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      String first = text.lines().findFirst().orElse("");
      String cls = JSON.readTree(first).path("class").asText("");
      if (cls.isEmpty()) {
        throw new JobFileException("--model " + path + ": metadata/" + parts[0].getPath()
            .getName() + " names no class; the directory is damaged. Save the model again.");
      }
      return cls;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new JobFileException("--model " + path + ": its metadata is not valid JSON ("
          + e.getOriginalMessage() + "); the directory is damaged. Save the model again.");
    } catch (IOException e) {
      throw new JobFileException("--model " + path + ": cannot read its metadata: "
          + e.getMessage());
    }
  }

  /**
   * @return the input columns a fitted pipeline reads: the assembler's inputs and any column a
   *     later stage reads that no earlier stage writes (labels excepted)
   */
  static List<String> inputColumns(PipelineModel model) {
    List<String> needed = new ArrayList<>();
    List<String> made = new ArrayList<>();
    for (Transformer t : model.stages()) {
      if (t instanceof org.apache.spark.ml.feature.VectorAssembler v) {
        for (String c : v.getInputCols()) {
          if (!made.contains(c) && !needed.contains(c)) {
            needed.add(c);
          }
        }
        made.add(v.getOutputCol());
      } else if (t instanceof StringIndexerModel si) {
        made.add(si.getOutputCol());
      } else if (t instanceof NeuralNetModel nn) {
        String f = nn.getOrDefault(nn.getParam("featuresCol")).toString();
        if (!made.contains(f) && !needed.contains(f)) {
          needed.add(f);
        }
      }
    }
    return needed;
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
