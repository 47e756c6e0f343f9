package dev.sparkdl.cli;

import dev.sparkdl.ml.NeuralNetClassifier;
import dev.sparkdl.ml.NeuralNetEstimatorParams;
import dev.sparkdl.ml.NeuralNetModel;
import dev.sparkdl.ml.NeuralNetRegressor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.IndexToString;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StringType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code train --job JOB.json}: reads the data, assembles the features, indexes string labels,
 * fits the network on Spark, saves the fitted pipeline and prints {@code RESULT {json}}.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Fit the network a job file describes and save the model.")
final class TrainCommand implements Callable<Integer> {
  static final String FEATURES = "_features";
  static final String INDEXED_LABEL = "_label";

  @Option(names = "--job", required = true, description = "the job file (JSON, any Hadoop path)")
  String job;

  @Override
  public Integer call() throws IOException {
    SparkSession spark = Cli.session("train");
    JobFile jf = JobFile.parse(Cli.readText(spark, job, "job file"));
    // every param is checked before any data is read or any job runs
    NeuralNetEstimatorParams<?> nn = jf.classification() ? new NeuralNetClassifier()
        : new NeuralNetRegressor();
    configure(nn, jf);
    if (!jf.overwrite()) {
      Cli.requireAbsent(spark, jf.output(), "output", "set \"overwrite\": true in the job file");
    }
    Cli.requireWritable(spark, jf.output(), "output");
    Dataset<Row> train = Cli.read(spark, jf.train(), "train", true);
    Dataset<Row> test = jf.test() == null ? null : Cli.read(spark, jf.test(), "test", false);
    List<String> needed = new ArrayList<>(jf.featureColumns() != null ? jf.featureColumns()
        : List.of(jf.featuresColumn()));
    needed.add(jf.label());
    Cli.requireColumns(train, needed, "train");
    if (test != null) {
      Cli.requireColumns(test, needed, "test");
    }
    if (jf.featureColumns() != null) {
      DataChecks.featureTypes(train, jf.featureColumns(), "train", jf.train().path());
      DataChecks.values(train, jf.featureColumns(), jf.label(), "train");
      if (test != null) {
        DataChecks.featureTypes(test, jf.featureColumns(), "test", jf.test().path());
        DataChecks.values(test, jf.featureColumns(), jf.label(), "test");
      }
    } else {
      DataChecks.values(train, List.of(), jf.label(), "train");
    }

    List<PipelineStage> stages = new ArrayList<>();
    String features = jf.featuresColumn();
    if (jf.featureColumns() != null) {
      stages.add(new VectorAssembler().setInputCols(jf.featureColumns().toArray(new String[0]))
          .setOutputCol(FEATURES));
      features = FEATURES;
    }
    String label = jf.label();
    boolean stringLabel = train.schema().apply(label).dataType() instanceof StringType;
    if (jf.classification() && stringLabel) {
      stages.add(new StringIndexer().setInputCol(label).setOutputCol(INDEXED_LABEL));
      label = INDEXED_LABEL;
    }
    if (nn instanceof NeuralNetClassifier c) {
      c.setFeaturesCol(features).setLabelCol(label);
    } else {
      ((NeuralNetRegressor) nn).setFeaturesCol(features).setLabelCol(label);
    }
    stages.add((PipelineStage) nn);
    long t0 = System.nanoTime();
    PipelineModel fitted = new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(train);
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (jf.classification() && stringLabel) {
      fitted = withLabelNames(fitted, jf.label());
    }
    if (jf.overwrite()) {
      fitted.write().overwrite().save(jf.output());
    } else {
      fitted.write().save(jf.output());
    }

    NeuralNetModel model = Cli.network(fitted, jf.output());
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("command", "train");
    r.put("task", jf.classification() ? "classification" : "regression");
    r.put("output", jf.output());
    r.put("epochs", model.history().size());
    r.put("train_rows", model.state().trainRows());
    r.put("fit_seconds", TestSetMetrics.round(seconds));
    Map<String, Object> last = new LinkedHashMap<>();
    model.history().epochs().get(model.history().size() - 1).logs()
        .forEach((k, v) -> last.put(k, TestSetMetrics.round(v)));
    r.put("train", last);
    if (test != null) {
      r.put("test", TestSetMetrics.of(Cli.transform(fitted, test), label, jf.classification(),
          model instanceof dev.sparkdl.ml.NeuralNetRegressionModel reg ? reg : null, model));
    }
    r.put("workers", model.state().rounds().isEmpty() ? 0
        : model.state().rounds().get(0).tasks().size());
    r.put("driver_pid", ProcessHandle.current().pid());
    r.put("executor_pids", Cli.executorPids(model));
    Cli.result(r);
    return 0;
  }

  /**
   * Sets one fit param; a refused value becomes a job-file error naming the key, the value and
   * the valid range.
   */
  private static void fit(String key, Runnable set) {
    try {
      set.run();
    } catch (IllegalArgumentException e) {
      String m = String.valueOf(e.getMessage());
      int java = m.indexOf(" Set a valid value with ");
      throw new JobFileException(m.contains(" given invalid value ")
          ? "fit." + (java < 0 ? m : m.substring(0, java)) + " Fix \"" + key + "\" in the"
              + " job file's \"fit\"."
          : "fit." + key + ": " + m);
    }
  }

  private static void configure(NeuralNetEstimatorParams<?> nn, JobFile jf) {
    nn.setLayers(jf.network());
    if (jf.loss() != null) {
      nn.setLoss(jf.loss());
    }
    nn.setOptimizer(jf.optimizer());
    if (!jf.metrics().isEmpty()) {
      nn.setMetrics(jf.metrics().toArray(new String[0]));
    }
    JobFile.Fit f = jf.fit();
    if (f.epochs() != null) {
      fit("epochs", () -> nn.setEpochs(f.epochs()));
    }
    if (f.batchSize() != null) {
      fit("batchSize", () -> nn.setBatchSize(f.batchSize()));
    }
    if (f.numWorkers() != null) {
      fit("numWorkers", () -> nn.setNumWorkers(f.numWorkers()));
    }
    if (f.averagingFrequency() != null) {
      fit("averagingFrequency", () -> nn.setAveragingFrequency(f.averagingFrequency()));
    }
    if (f.minBatchesPerWorker() != null) {
      fit("minBatchesPerWorker", () -> nn.setMinBatchesPerWorker(f.minBatchesPerWorker()));
    }
    if (f.outerMomentum() != null) {
      fit("outerMomentum", () -> nn.setOuterMomentum(f.outerMomentum()));
    }
    if (f.learningRateScaling() != null) {
      fit("learningRateScaling", () -> nn.setLearningRateScaling(f.learningRateScaling()));
    }
    if (f.warmupEpochs() != null) {
      fit("warmupEpochs", () -> nn.setWarmupEpochs(f.warmupEpochs()));
    }
    if (f.batchNormStatistics() != null) {
      fit("batchNormStatistics", () -> nn.setBatchNormStatistics(f.batchNormStatistics()));
    }
    if (f.validationIndicatorCol() != null) {
      fit("validationIndicatorCol", () -> nn.setValidationIndicatorCol(f.validationIndicatorCol()));
    }
    if (f.callbacks() != null) {
      fit("callbacks", () -> nn.setCallbacks(f.callbacks()));
    }
    if (f.weightCol() != null) {
      fit("weightCol", () -> nn.setWeightCol(f.weightCol()));
    }
    if (f.classWeight() != null) {
      fit("classWeight", () -> nn.setClassWeight(f.classWeight()));
    }
    if (nn instanceof NeuralNetRegressor r) {
      if (f.distribution() != null) {
        fit("distribution", () -> r.setDistribution(f.distribution()));
      }
      if (f.intervalLevel() != null) {
        fit("intervalLevel", () -> r.setIntervalLevel(f.intervalLevel()));
      }
      if (f.mixtureComponents() != null) {
        fit("mixtureComponents", () -> r.setMixtureComponents(f.mixtureComponents()));
      }
    }
    if (f.seed() != null) {
      fit("seed", () -> nn.setSeed(f.seed()));
    }
    if (f.validationSplit() != null) {
      fit("validationSplit", () -> nn.setValidationSplit(f.validationSplit()));
    }
    if (f.verbose() != null) {
      fit("verbose", () -> nn.setVerbose(f.verbose()));
    }
    if (f.device() != null) {
      fit("device", () -> nn.setDevice(f.device()));
    }
  }

  /** Appends an IndexToString stage that names predictions with the original labels. */
  private static PipelineModel withLabelNames(PipelineModel fitted, String label) {
    List<Transformer> stages = new ArrayList<>(List.of(fitted.stages()));
    for (Transformer t : fitted.stages()) {
      if (t instanceof StringIndexerModel s) {
        stages.add(new IndexToString().setInputCol("prediction").setOutputCol("predicted_" + label)
            .setLabels(s.labelsArray()[0]));
      }
    }
    return new PipelineModel(fitted.uid(), stages);
  }
}
