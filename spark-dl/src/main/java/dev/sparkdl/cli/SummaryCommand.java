package dev.sparkdl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkdl.engine.Tensor;
import dev.sparkdl.ml.NeuralNetModel;
import dev.sparkdl.spec.LayerSpec;
import dev.sparkdl.spec.Sequential;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
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
    Sequential net = nn.network();
    List<List<Integer>> shapes = net.layerOutputShapes(net.inputShape());
    List<Tensor> weights = nn.kerasWeights();
    System.out.println("Model: \"sequential\" (input shape " + net.inputShape() + ")");
    String line = "-".repeat(72);
    System.out.println(line);
    System.out.printf(Locale.ROOT, "%-34s %-22s %14s%n", "Layer (type)", "Output Shape", "Param #");
    System.out.println("=".repeat(72));
    long total = 0;
    long nonTrainable = 0;
    for (int i = 0; i < net.layers().size(); i++) {
      LayerSpec l = net.layers().get(i);
      long params = 0;
      for (int w = 0; w < weights.size(); w++) {
        String name = nn.weights().name(w);
        if (name.startsWith(i + "_")) {
          params += weights.get(w).size();
          if (name.endsWith("moving_mean") || name.endsWith("moving_variance")) {
            nonTrainable += weights.get(w).size();
          }
        }
      }
      total += params;
      System.out.printf(Locale.ROOT, "%-34s %-22s %,14d%n",
          snake(l.className()) + "_" + i + " (" + l.className() + ")",
          "(None, " + shapes.get(i).toString().replace("[", "").replace("]", "") + ")", params);
    }
    System.out.println("=".repeat(72));
    System.out.printf(Locale.ROOT, "Total params: %,d%nTrainable params: %,d%nNon-trainable params: %,d%n",
        total, total - nonTrainable, nonTrainable);
    System.out.println(line);
    System.out.println("Compiled with: " + nn.compileOptions().toJson());
    System.out.println("Trained: " + nn.history().size() + " epochs on " + nn.state().trainRows()
        + " rows; last epoch " + nn.history().epochs().get(nn.history().size() - 1).logs());
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

  private static String snake(String cls) {
    return cls.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }
}
