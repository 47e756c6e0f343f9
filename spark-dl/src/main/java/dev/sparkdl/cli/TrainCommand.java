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
import org.apache.hadoop.fs.Path;
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
    Path out = new Path(jf.output());
    if (!jf.overwrite() && out.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(out)) {
      throw new JobFileException("output " + jf.output() + " already exists. Choose another path"
          + " or set \"overwrite\": true in the job file.");
    }
    Dataset<Row> train = Cli.read(spark, jf.train(), "train", true);
    Dataset<Row> test = jf.test() == null ? null : Cli.read(spark, jf.test(), "test", false);
    List<String> needed = new ArrayList<>(jf.featureColumns() != null ? jf.featureColumns()
        : List.of(jf.featuresColumn()));
    needed.add(jf.label());
    Cli.requireColumns(train, needed, "train");
    if (test != null) {
      Cli.requireColumns(test, needed, "test");
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
    NeuralNetEstimatorParams<?> nn = jf.classification() ? new NeuralNetClassifier()
        .setFeaturesCol(features).setLabelCol(label)
        : new NeuralNetRegressor().setFeaturesCol(features).setLabelCol(label);
    configure(nn, jf);
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
          model instanceof dev.sparkdl.ml.NeuralNetRegressionModel reg ? reg : null));
    }
    r.put("workers", model.state().rounds().isEmpty() ? 0
        : model.state().rounds().get(0).tasks().size());
    r.put("driver_pid", ProcessHandle.current().pid());
    r.put("executor_pids", Cli.executorPids(model));
    Cli.result(r);
    return 0;
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
      nn.setEpochs(f.epochs());
    }
    if (f.batchSize() != null) {
      nn.setBatchSize(f.batchSize());
    }
    if (f.numWorkers() != null) {
      nn.setNumWorkers(f.numWorkers());
    }
    if (f.averagingFrequency() != null) {
      nn.setAveragingFrequency(f.averagingFrequency());
    }
    if (f.minBatchesPerWorker() != null) {
      nn.setMinBatchesPerWorker(f.minBatchesPerWorker());
    }
    if (f.outerMomentum() != null) {
      nn.setOuterMomentum(f.outerMomentum());
    }
    if (f.learningRateScaling() != null) {
      nn.setLearningRateScaling(f.learningRateScaling());
    }
    if (f.warmupEpochs() != null) {
      nn.setWarmupEpochs(f.warmupEpochs());
    }
    if (f.batchNormStatistics() != null) {
      nn.setBatchNormStatistics(f.batchNormStatistics());
    }
    if (f.validationIndicatorCol() != null) {
      nn.setValidationIndicatorCol(f.validationIndicatorCol());
    }
    if (f.callbacks() != null) {
      nn.setCallbacks(f.callbacks());
    }
    if (nn instanceof NeuralNetRegressor r) {
      if (f.distribution() != null) {
        r.setDistribution(f.distribution());
      }
      if (f.intervalLevel() != null) {
        r.setIntervalLevel(f.intervalLevel());
      }
      if (f.mixtureComponents() != null) {
        r.setMixtureComponents(f.mixtureComponents());
      }
    }
    if (f.seed() != null) {
      nn.setSeed(f.seed());
    }
    if (f.validationSplit() != null) {
      nn.setValidationSplit(f.validationSplit());
    }
    if (f.verbose() != null) {
      nn.setVerbose(f.verbose());
    }
    if (f.device() != null) {
      nn.setDevice(f.device());
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
