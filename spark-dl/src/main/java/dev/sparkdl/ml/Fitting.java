package dev.sparkdl.ml;

import dev.sparkdl.callbacks.BackupAndRestore;
import dev.sparkdl.callbacks.Callback;
import dev.sparkdl.callbacks.History;
import dev.sparkdl.callbacks.TrainingContext;
import dev.sparkdl.engine.WeightSnapshot;
import java.io.IOException;
import java.util.function.Function;
import org.apache.spark.ml.util.MLWritable;
import dev.sparkdl.callbacks.ProgressLogger;
import dev.sparkdl.data.RowConverter;
import dev.sparkdl.distributed.Averaging;
import dev.sparkdl.distributed.DistributedTrainer;
import dev.sparkdl.distributed.TrainingBlocks;
import dev.sparkdl.distributed.TrainingPlan;
import dev.sparkdl.distributed.TrainingResult;
import dev.sparkdl.spec.LabelMode;
import dev.sparkdl.spec.NetworkContract;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The Spark side of a fit shared by the classifier and the regressor: {@link ContractResolver}
 * has checked schema and params (no Spark job); {@link #fit} converts the rows once (validating
 * every row), chooses the workers and the averaging, and trains.
 */
final class Fitting {
  private Fitting() {}

  static ModelState fit(NeuralNetParams p, Dataset<?> dataset, ContractResolver.Resolved prep,
      String featuresCol, String labelCol, Function<ModelState, MLWritable> toModel) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
    List<Callback> userCallbacks = p.getCallbacks(); // Keras configs checked before any job
    BackupAndRestore backups = null;
    for (Callback c : userCallbacks) {
      if (c instanceof BackupAndRestore b) {
        if (backups != null) {
          throw new IllegalArgumentException("Two BackupAndRestore callbacks (" + backups.backupDir()
              + ", " + b.backupDir() + "); a fit backs up to one directory.");
        }
        backups = b;
      }
    }
    int workers = p.getNumWorkers() > 0 ? p.getNumWorkers() : jsc.defaultParallelism();
    NetworkContract resolved = prep.contract();
    Column label = resolved.label().kind() == LabelMode.Kind.VECTOR
        ? functions.col(labelCol) : functions.col(labelCol).cast(DataTypes.DoubleType);
    String indicator = p.getValidationIndicatorCol();
    String weightCol = p.getWeightCol();
    List<Column> cols = new java.util.ArrayList<>(List.of(functions.col(featuresCol), label));
    if (indicator != null) {
      cols.add(functions.col(indicator));
    }
    if (weightCol != null) {
      cols.add(functions.col(weightCol).cast(DataTypes.DoubleType));
    }
    Dataset<Row> rows = dataset.select(cols.toArray(new Column[0]));
    RowConverter converter =
        new RowConverter(0, rows.schema().apply(0).dataType(), 1, rows.schema().apply(1).dataType(),
            prep.expectedLength(), resolved.label(), p.getValidationSplit(), p.getSeed(),
            indicator == null ? -1 : 2,
            ContractResolver.countLabels(resolved.compile().loss()),
            weightCol == null ? -1 : cols.size() - 1, p.getClassWeights());
    String expectedFrom = prep.expectedFrom();
    TrainingBlocks converted = TrainingBlocks.convert(rows, converter, workers,
        r -> r.problems(featuresCol, labelCol, prep.expectedLength(), expectedFrom,
            prep.labelRule(), weightCol));
    long trainRows = converted.report().trainRows();
    int helpful = workersThatHelp(trainRows, p.getBatchSize(),
        p.getNumWorkers() > 0 ? MIN_BATCHES_PER_WORKER : p.getMinBatchesPerWorker());
    // too little data for what was asked is never silent (whatever verbose says): training goes
    // on, on fewer workers, as Keras trains on whatever rows it is given (docs/errors.md)
    if (p.getNumWorkers() > helpful) {
      System.err.println(String.format(Locale.ROOT,
          "spark-dl: numWorkers is %d, but %d training rows give only %d worker(s) %d minibatches"
              + " of %d per epoch: training on %d. Lower numWorkers or batchSize to silence"
              + " this.", p.getNumWorkers(), trainRows, helpful, MIN_BATCHES_PER_WORKER,
          p.getBatchSize(), helpful));
    }
    if (trainRows < p.getBatchSize()) {
      System.err.println(String.format(Locale.ROOT,
          "spark-dl: fewer training rows (%d) than batchSize (%d): each epoch is one step on %d"
              + " row(s), which fits them and learns little else. Add rows, or lower batchSize.",
          trainRows, p.getBatchSize(), trainRows));
    }
    TrainingBlocks joined;
    try {
      joined = converted.withAtMostPartitions(helpful);
    } catch (RuntimeException e) {
      converted.close();
      throw e;
    }
    try (TrainingBlocks blocks = joined) {
      // the data's shape completes the contract (checked layer by layer before any training)
      NetworkContract contract = resolved.inputShape() != null ? resolved
          : resolved.withInputShape(blocks.sampleShape());
      dev.sparkdl.spec.SizeLimits.check(contract.network());
      StartingPoint start = StartingPoint.of(p, contract, p.getSeed());
      int lastEpoch = (start.history() == null ? 0 : start.history().size()) + p.getEpochs();
      double learningRate = contract.compile().optimizer().learningRate();
      TrainingContext.Backup restored =
          backups == null ? null : backups.latest(jsc.hadoopConfiguration());
      if (restored != null) {
        start = start.resumedFrom(restored, backups.backupDir());
        if (!Double.isNaN(restored.learningRate())) {
          learningRate = restored.learningRate();
        }
        if (p.getVerbose() > 0) {
          System.out.println("BackupAndRestore: resuming after epoch " + restored.epoch()
              + " from " + backups.backupDir());
        }
      }
      int maxBatches = 0;
      int training = 0;
      for (int r : blocks.trainRowsPerPartition()) {
        maxBatches = Math.max(maxBatches, DistributedTrainer.minibatches(r, p.getBatchSize()));
        training += r > 0 ? 1 : 0;
      }
      Averaging.Resolved averaging = p.getAveraging().resolve(Math.max(1, training), maxBatches,
          contract.compile().optimizer().hasMomentum());
      int threads = DistributedTrainer.threadsPerTask(jsc, blocks.partitions());
      TrainingPlan plan = new TrainingPlan(contract, p.getBatchSize(), averaging.frequency(),
          p.getSeed(), threads, p.getInferenceBatchSize(), p.getDevice());
      List<Callback> callbacks = new ArrayList<>();
      if (p.getVerbose() > 0) {
        System.out.println(String.format(Locale.ROOT,
            "Training on %d worker(s), %d thread(s) each: %d rows (%d for validation), %d"
                + " features, batch size %d, %s", blocks.partitions(), threads,
            blocks.report().trainRows(), blocks.report().validationRows(), blocks.featureSize(),
            p.getBatchSize(), averaging.describe()));
        callbacks.add(new ProgressLogger(System.out));
      }
      callbacks.addAll(userCallbacks);
      NetworkContract fitted = contract;
      StartingPoint from = start;
      DistributedTrainer.ModelAccess access = new DistributedTrainer.ModelAccess() {
        @Override
        public void save(String path, WeightSnapshot weights, History history,
            boolean weightsOnly) throws IOException {
          ModelState state = new ModelState(java.util.UUID.randomUUID().toString(), fitted,
              weights, null, history, List.of(), blocks.featureSize(),
              blocks.report().trainRows(), blocks.report().validationRows(), blocks.seconds(), 0);
          toModel.apply(state).write().overwrite().save(path);
        }

        @Override
        public String summary() {
          return fitted.network().summary();
        }
      };
      TrainingResult result =
          DistributedTrainer.fit(jsc, blocks, plan, averaging, start.layout(),
              learningRate, start.weights(), start.optimizer(), start.history(), lastEpoch,
              contract.compile().metrics(), callbacks, access,
              p.getVerbose() >= 2 ? r -> System.out.println(r.describe()) : null);
      return new ModelState(java.util.UUID.randomUUID().toString(), contract, result.weights(),
          result.optimizer(), result.history(), result.rounds(), blocks.featureSize(),
          result.trainRows(), result.validationRows(), result.conversionSeconds(),
          result.trainSeconds());
    }
  }

  /**
   * Minibatches per epoch each worker trains at least, whatever numWorkers asks: with one, a
   * worker takes a single step per epoch and training degenerates into full-batch gradient
   * descent with one step per epoch (measured: 140 rows on 8 workers, 90 % after 60 epochs
   * where 4 workers reach 98 %); with less than one, BatchNormalization learns from batches of
   * a few rows.
   */
  static final int MIN_BATCHES_PER_WORKER = 2;

  /**
   * The most workers that help: each needs at least {@code minBatches} full minibatches per
   * epoch ({@link #MIN_BATCHES_PER_WORKER} for an explicit numWorkers; minBatchesPerWorker when
   * it is 0), so small data is not cut into shards that train a step or less per epoch or into
   * many tiny shards that only add averaging rounds.
   */
  static int workersThatHelp(long trainRows, int batchSize, int minBatches) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, trainRows / ((long) batchSize * minBatches)));
  }
}
