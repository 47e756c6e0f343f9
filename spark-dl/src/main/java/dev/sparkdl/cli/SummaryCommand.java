package dev.sparkdl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkdl.ml.NeuralNetModel;
import java.io.IOException;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code summary --model PATH}: the network table (Keras style) and the provenance. */
@Command(name = "summary", mixinStandardHelpOptions = true,
    description = "Print a saved model's network and provenance.")
final class SummaryCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "a model saved by train")
  String model;

  @Override
  public Integer call() throws IOException {
    SparkSession spark = Cli.session("summary");
    PipelineModel fitted = Cli.loadModel(spark, model);
    NeuralNetModel nn = Cli.network(fitted, model);
    System.out.print(nn.network().summary());
    System.out.println("Compiled with: " + nn.compileOptions().toJson());
    if (nn.history().size() == 0) {
      System.out.println("Trained: no epochs in spark-dl (weights set from outside, e.g. by"
          + " import)");
    } else {
      System.out.println("Trained: " + nn.history().size() + " epochs on "
          + nn.state().trainRows() + " rows; last epoch "
          + nn.history().epochs().get(nn.history().size() - 1).logs());
    }
    JsonNode provenance = provenance(spark, model);
    if (provenance != null) {
      System.out.println("Provenance: " + provenance);
    }
    return 0;
  }

  private static JsonNode provenance(SparkSession spark, String model) throws IOException {
    Path glob = new Path(model, "stages/*/spark-dl.json");
    FileSystem fs = glob.getFileSystem(spark.sparkContext().hadoopConfiguration());
    FileStatus[] found = fs.globStatus(glob);
    if (found == null || found.length == 0) {
      return null;
    }
    try (var in = fs.open(found[0].getPath())) {
      return new ObjectMapper().readTree(in).path("provenance");
    }
  }
}
