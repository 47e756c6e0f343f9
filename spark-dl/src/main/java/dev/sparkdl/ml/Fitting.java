package dev.sparkdl.ml;

import dev.sparkdl.callbacks.Callback;
import dev.sparkdl.callbacks.ProgressLogger;
import dev.sparkdl.data.ColumnChecks;
import dev.sparkdl.data.LabelMode;
import dev.sparkdl.data.RowConverter;
import dev.sparkdl.distributed.Averaging;
import dev.sparkdl.distributed.DistributedTrainer;
import dev.sparkdl.distributed.TrainingBlocks;
import dev.sparkdl.distributed.TrainingPlan;
import dev.sparkdl.distributed.TrainingResult;
import dev.sparkdl.callbacks.History;
import dev.sparkdl.engine.Network;
import dev.sparkdl.engine.OptimizerState;
import dev.sparkdl.engine.Tensor;
import dev.sparkdl.engine.WeightLayout;
import dev.sparkdl.engine.WeightSnapshot;
import dev.sparkdl.spec.Activation;
import dev.sparkdl.spec.CompileOptions;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.LayerSpec;
import dev.sparkdl.spec.Loss;
import dev.sparkdl.spec.Optimizer;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.spec.SpecException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The fit shared by the classifier and the regressor: {@link #prepare} checks schema and params
 * (no Spark job), {@link #fit} converts the rows once (validating every row) and trains.
 */
final class Fitting {
  private Fitting() {}

  /**
   * Everything decided before any Spark job.
   *
   * @param spec the network
   * @param compile resolved loss, optimizer (learning rate applied), metrics
   * @param label how labels become targets
   * @param expectedLength values per feature vector required by the network, or -1
   * @param expectedFrom where {@code expectedLength} comes from
   * @param labelRule a valid label, in words
   * @param numClasses classes (0 for regression)
   */
  record Prepared(
      Sequential spec,
      CompileOptions compile,
      LabelMode label,
      int expectedLength,
      String expectedFrom,
      String labelRule,
      int numClasses) {}

  static Prepared prepare(
      NeuralNetParams p, StructType schema, boolean classifier, String featuresCol,
      String labelCol) {
    Sequential spec = p.getLayersSpec();
    StructField features = ColumnChecks.features(schema, featuresCol);
    StructField labelField = ColumnChecks.label(schema, labelCol, classifier);
    Dense out = outputDense(spec);
    String act = outputActivation(spec);
    String outDesc = describeOutput(spec);
    Loss loss = resolveLoss(p.getLoss(), classifier, out, act, outDesc);
    Optimizer opt = Optimizer.fromJson(p.getOptimizer());
    if (!Double.isNaN(p.getLearningRate())) {
      opt = opt.withLearningRate(p.getLearningRate());
    }
    List<String> metrics = dev.sparkdl.spec.Metrics.check(Arrays.asList(p.getMetrics()));
    if (!classifier && metrics.contains("accuracy")) {
      throw new IllegalArgumentException(
          "Metric 'accuracy' is for classifiers; NeuralNetRegressor reports mse and mae. Use"
              + " setMetrics(\"mse\", \"mae\") or NeuralNetClassifier.");
    }
    CompileOptions compile = new CompileOptions(loss, opt, metrics);

    LabelMode label;
    String rule;
    int classes = 0;
    boolean vectorLabel = !(labelField.dataType() instanceof org.apache.spark.sql.types.NumericType);
    if (classifier) {
      classes = out.units() == 1 ? 2 : out.units();
      if (vectorLabel) {
        if (!"categorical_crossentropy".equals(loss.name())) {
          throw new IllegalArgumentException(
              "Column " + labelCol + " holds vectors (one-hot or probabilities), which only"
                  + " categorical_crossentropy takes; the loss is " + loss.name() + ". Use a"
                  + " class-index label column (StringIndexer) or"
                  + " setLoss(\"categorical_crossentropy\").");
        }
        label = new LabelMode(LabelMode.Kind.VECTOR, classes, false);
        rule = "vectors of " + classes + " target probabilities in [0, 1] (the output layer has "
            + classes + " units)";
      } else {
        boolean binary = "binary_crossentropy".equals(loss.name());
        label = new LabelMode(LabelMode.Kind.CLASS_INDEX, classes, !binary);
        rule = binary
            ? "class indices 0.0 or 1.0 (one sigmoid output unit)"
            : "class indices 0.0 .. " + (classes - 1) + ".0 (the output layer has " + classes
                + " units)";
        int known = ColumnChecks.metadataClasses(labelField);
        if (known > classes) {
          throw new IllegalArgumentException(
              "Column " + labelCol + " has " + known + " classes (its StringIndexer metadata),"
                  + " but the network's output layer " + outDesc + " predicts " + classes
                  + ". Make the last Dense layer " + known + " units wide.");
        }
      }
    } else {
      if (out.units() != 1) {
        throw new IllegalArgumentException(
            "NeuralNetRegressor predicts one value per row, but the output layer " + outDesc
                + " has " + out.units() + " units. End the network with Dense(1).");
      }
      label = new LabelMode(LabelMode.Kind.VALUE, 0, false);
      rule = "finite numbers";
    }

    int expected = -1;
    String from = null;
    int metaSize = ColumnChecks.metadataSize(features);
    if (spec.inputShape() != null) {
      expected = product(spec.inputShape());
      from = "the network's input shape " + spec.inputShape();
      if (metaSize >= 0 && metaSize != expected) {
        throw new IllegalArgumentException(
            "Column " + featuresCol + " holds vectors of " + metaSize + " values (its"
                + " VectorAssembler metadata), but " + from + " needs " + expected
                + ". Fix the input shape or the assembled columns.");
      }
    } else if (metaSize >= 0) {
      expected = metaSize;
      from = "the column's VectorAssembler metadata";
    }
    if (spec.inputShape() != null) {
      spec.layerOutputShapes(spec.inputShape()); // names the first layer that cannot take it
    } else if (metaSize > 0) {
      spec.layerOutputShapes(List.of(metaSize));
    }
    Vector init = p.getInitialWeights();
    if (init != null && spec.inputShape() != null) {
      checkInitialWeights(spec, spec.inputShape(), init);
    }
    return new Prepared(spec, compile, label, expected, from, rule, classes);
  }

  static ModelState fit(
      NeuralNetParams p, Dataset<?> dataset, Prepared prep, String featuresCol, String labelCol) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
    int workers = p.getNumWorkers() > 0 ? p.getNumWorkers() : jsc.defaultParallelism();
    Column label = prep.label().kind() == LabelMode.Kind.VECTOR
        ? functions.col(labelCol) : functions.col(labelCol).cast(DataTypes.DoubleType);
    Dataset<Row> rows = dataset.select(functions.col(featuresCol), label);
    RowConverter converter =
        new RowConverter(0, rows.schema().apply(0).dataType(), 1, rows.schema().apply(1).dataType(),
            prep.expectedLength(), prep.label(), p.getValidationSplit(), p.getSeed());
    String expectedFrom = prep.expectedFrom();
    TrainingBlocks converted = TrainingBlocks.convert(rows, converter, workers,
        r -> r.problems(featuresCol, labelCol, prep.expectedLength(), expectedFrom,
            prep.labelRule()));
    long trainRows = converted.report().trainRows();
    int helpful = workersThatHelp(trainRows, p.getBatchSize(),
        p.getNumWorkers() > 0 ? MIN_BATCHES_PER_WORKER : p.getMinBatchesPerWorker());
    if (p.getNumWorkers() > helpful && p.getVerbose() > 0) {
      System.out.println(String.format(Locale.ROOT,
          "numWorkers is %d, but %d training rows give only %d worker(s) %d minibatches of %d per"
              + " epoch: training on %d.", p.getNumWorkers(), trainRows, helpful,
          MIN_BATCHES_PER_WORKER, p.getBatchSize(), helpful));
    }
    TrainingBlocks joined;
    try {
      joined = converted.withAtMostPartitions(helpful);
    } catch (RuntimeException e) {
      converted.close();
      throw e;
    }
    try (TrainingBlocks blocks = joined) {
      List<Integer> inputShape =
          prep.spec().inputShape() != null ? prep.spec().inputShape() : blocks.sampleShape();
      Sequential spec = prep.spec().withInputShape(inputShape);
      spec.layerOutputShapes(inputShape); // shapes from the data: checked before any training
      WeightSnapshot initial;
      OptimizerState initialOptimizer = null;
      History prior = null;
      WeightLayout layout;
      ModelState from = p.nnParams().initialModel;
      try (Network net = Network.create(spec, prep.compile(), p.getSeed())) {
        layout = net.layout();
        if (from != null) {
          checkWarmStart(from, spec);
          initial = from.weights();
          if (from.optimizer() != null && from.compile().optimizer().getClass()
              .equals(prep.compile().optimizer().getClass())) {
            initialOptimizer = from.optimizer();
          }
          prior = from.history();
        } else {
          Vector init = p.getInitialWeights();
          if (init != null) {
            net.setKerasWeights(checkInitialWeights(spec, inputShape, init));
          }
          initial = net.weights();
        }
      }
      int maxBatches = 0;
      int training = 0;
      for (int r : blocks.trainRowsPerPartition()) {
        maxBatches = Math.max(maxBatches, DistributedTrainer.minibatches(r, p.getBatchSize()));
        training += r > 0 ? 1 : 0;
      }
      Averaging.Resolved averaging = p.getAveraging().resolve(Math.max(1, training), maxBatches,
          prep.compile().optimizer().hasMomentum());
      int threads = DistributedTrainer.threadsPerTask(jsc, blocks.partitions());
      TrainingPlan plan =
          new TrainingPlan(spec.toJson(), prep.compile().toJson(), inputShape, prep.label(),
              p.getBatchSize(), averaging.frequency(), p.getSeed(), threads,
              p.getInferenceBatchSize(), p.getDevice());
      List<Callback> callbacks = new ArrayList<>();
      if (p.nnParams().callbacks != null) {
        callbacks.addAll(p.nnParams().callbacks);
      }
      if (p.getVerbose() > 0) {
        System.out.println(String.format(Locale.ROOT,
            "Training on %d worker(s), %d thread(s) each: %d rows (%d for validation), %d"
                + " features, batch size %d, %s", blocks.partitions(), threads,
            blocks.report().trainRows(), blocks.report().validationRows(), blocks.featureSize(),
            p.getBatchSize(), averaging.describe()));
        callbacks.add(new ProgressLogger(System.out));
      }
      TrainingResult result =
          DistributedTrainer.fit(jsc, blocks, plan, averaging, layout,
              prep.compile().optimizer().learningRate(), initial, initialOptimizer, prior,
              p.getEpochs(), prep.compile().metrics(), callbacks,
              p.getVerbose() >= 2 ? r -> System.out.println(r.describe()) : null);
      return new ModelState(java.util.UUID.randomUUID().toString(), spec.toJson(),
          prep.compile().toJson(), result.weights(),
          result.optimizer(), result.history(), result.rounds(), blocks.featureSize(),
          prep.numClasses(), result.trainRows(), result.validationRows(),
          result.conversionSeconds(), result.trainSeconds());
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

  /** A warm start needs the very network the initial model was trained with. */
  private static void checkWarmStart(ModelState from, Sequential spec) {
    Sequential trained = from.spec();
    if (!trained.equals(spec)) {
      throw new IllegalArgumentException(
          "initialModel was trained with another network (" + trained.toJson() + ") than this"
              + " estimator's layers (" + spec.toJson() + "). Warm start continues the same"
              + " network: set the estimator's layers to the model's network().");
    }
  }

  /** Splits a flat Keras-order vector into the network's arrays, checking the total size. */
  static List<Tensor> checkInitialWeights(Sequential spec, List<Integer> inputShape, Vector flat) {
    try (Network net = Network.create(spec, null, inputShape, 0)) {
      List<Tensor> shapes = net.kerasWeights();
      int total = shapes.stream().mapToInt(Tensor::size).sum();
      if (flat.size() != total) {
        throw new IllegalArgumentException(
            "initialWeights has " + flat.size() + " values, the network needs " + total
                + " (Keras get_weights order: " + net.kerasDescription() + ").");
      }
      double[] v = flat.toArray();
      List<Tensor> out = new ArrayList<>();
      int at = 0;
      for (Tensor t : shapes) {
        float[] f = new float[t.size()];
        for (int i = 0; i < f.length; i++) {
          f[i] = (float) v[at++];
        }
        out.add(new Tensor(t.shape(), f));
      }
      return out;
    }
  }

  private static Loss resolveLoss(
      String value, boolean classifier, Dense out, String act, String outDesc) {
    if ("auto".equals(value)) {
      if (!classifier) {
        return Loss.of("mse");
      }
      if ("softmax".equals(act) && out.units() >= 2) {
        return Loss.of("categorical_crossentropy");
      }
      if ("sigmoid".equals(act) && out.units() == 1) {
        return Loss.of("binary_crossentropy");
      }
      throw new IllegalArgumentException(
          "A classifier's network must end with a softmax layer of one unit per class, or one"
              + " sigmoid unit for two classes; it ends with " + outDesc + ". Use e.g."
              + " Dense.units(k).activation(\"softmax\").");
    }
    Loss loss = Loss.fromJson(value);
    if (classifier && !loss.isCrossEntropy()) {
      throw new IllegalArgumentException(
          "NeuralNetClassifier needs a classification loss (categorical_crossentropy,"
              + " sparse_categorical_crossentropy, binary_crossentropy); received '"
              + loss.name() + "'. Use NeuralNetRegressor for regression.");
    }
    if (!classifier && loss.isCrossEntropy()) {
      throw new IllegalArgumentException(
          "NeuralNetRegressor needs a regression loss (mse, mae, huber); received '"
              + loss.name() + "'. Use NeuralNetClassifier for classification.");
    }
    if ("binary_crossentropy".equals(loss.name()) && !(out.units() == 1 && "sigmoid".equals(act))) {
      throw new IllegalArgumentException(
          "Loss binary_crossentropy expects one sigmoid output unit (the probability of class"
              + " 1), but the output layer is " + outDesc + ". Use categorical_crossentropy or"
              + " sparse_categorical_crossentropy for " + out.units() + " classes, or end the"
              + " network with Dense(1, activation='sigmoid').");
    }
    if (loss.isCrossEntropy() && !"binary_crossentropy".equals(loss.name())
        && !("softmax".equals(act) && out.units() >= 2)) {
      throw new IllegalArgumentException(
          "Loss " + loss.name() + " expects a softmax output layer with one unit per class (at"
              + " least 2), but the output layer is " + outDesc + ". End the network with"
              + " Dense(k, activation='softmax'), or use binary_crossentropy for one sigmoid"
              + " unit.");
    }
    return loss;
  }

  /** The last Dense layer, looking back over layers that keep its width. */
  static Dense outputDense(Sequential spec) {
    List<LayerSpec> layers = spec.layers();
    for (int i = layers.size() - 1; i >= 0; i--) {
      LayerSpec l = layers.get(i);
      if (l instanceof Dense d) {
        return d;
      }
      if (!(l instanceof Activation || l instanceof dev.sparkdl.spec.Dropout
          || l instanceof dev.sparkdl.spec.BatchNormalization)) {
        break;
      }
    }
    throw new SpecException(
        "The network must end with a Dense output layer (possibly followed by an Activation);"
            + " it ends with " + describe(spec.lastLayer()) + ".");
  }

  /** The activation applied last: the last layer's, if it is Dense or Activation. */
  static String outputActivation(Sequential spec) {
    LayerSpec last = spec.lastLayer();
    if (last instanceof Dense d) {
      return d.activation();
    }
    if (last instanceof Activation a) {
      return a.activation();
    }
    return "linear";
  }

  static String describeOutput(Sequential spec) {
    LayerSpec last = spec.lastLayer();
    if (last instanceof Activation a) {
      return describe(outputDense(spec)) + " followed by Activation('" + a.activation() + "')";
    }
    return describe(last);
  }

  static String describe(LayerSpec l) {
    if (l instanceof Dense d) {
      return "Dense(" + d.units() + ", activation='" + d.activation() + "')";
    }
    return l.className() + l.config();
  }

  private static int product(List<Integer> shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }
}
