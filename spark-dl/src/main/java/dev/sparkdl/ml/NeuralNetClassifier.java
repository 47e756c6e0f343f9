package dev.sparkdl.ml;

import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * A Keras-style neural network classifier trained on the Spark partitions with parameter
 * averaging.
 *
 * <pre>{@code
 * NeuralNetClassifier clf = new NeuralNetClassifier()
 *     .setLayers(Sequential.of(
 *         Dense.units(64).activation("relu"),
 *         Dropout.rate(0.2),
 *         Dense.units(3).activation("softmax")))
 *     .setLoss("categorical_crossentropy")
 *     .setOptimizer("adam")
 *     .setEpochs(20).setBatchSize(32).setNumWorkers(2);
 * NeuralNetClassificationModel model = clf.fit(train);
 * }</pre>
 *
 * <p>Input: a features column of Vectors (dense or sparse) or arrays of numbers, and a label
 * column of class indices 0.0 .. k-1 (as StringIndexer makes them) or, for
 * categorical_crossentropy, vectors of k target probabilities. The network ends with softmax
 * over k units, or with one sigmoid unit for two classes.
 */
public class NeuralNetClassifier
    extends ProbabilisticClassifier<Vector, NeuralNetClassifier, NeuralNetClassificationModel>
    implements NeuralNetEstimatorParams<NeuralNetClassifier>, MLWritable {
  private static final long serialVersionUID = 1L;
  private String uid;
  private NeuralNetParamDefinitions nn;

  /** Creates a classifier with a random uid. */
  public NeuralNetClassifier() {
    this(Identifiable$.MODULE$.randomUID("neuralNetClassifier"));
  }

  /** @param uid the stage's uid */
  public NeuralNetClassifier(String uid) {
    this(Uids.push(uid));
  }

  private NeuralNetClassifier(Uids.Token token) {
    super();
    this.uid = Uids.pop(token);
    NeuralNetParamDefinitions.setDefaults(this, true);
  }

  @Override
  public String uid() {
    return uid != null ? uid : Uids.pending();
  }

  @Override
  public NeuralNetParamDefinitions nnParams() {
    if (nn == null) {
      nn = new NeuralNetParamDefinitions(this);
    }
    return nn;
  }

  @Override
  public NeuralNetClassifier copy(ParamMap extra) {
    NeuralNetClassifier copy = defaultCopy(extra);
    nnParams().copyNonParamsTo(copy.nnParams());
    return copy;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    ContractResolver.Resolved prep =
        ContractResolver.resolve(this, schema, true, getFeaturesCol(), getLabelCol());
    return Scoring.transformSchema(schema, getFeaturesCol(),
        outputs(prep.contract().numClasses(), prep.contract().isBinarySigmoid()));
  }

  /**
   * Checks the schema and params (no Spark job), converts the rows once (validating every row)
   * and trains.
   *
   * @throws IllegalArgumentException for bad columns, params or rows, naming the problem
   */
  @Override
  public NeuralNetClassificationModel fit(Dataset<?> dataset) {
    ContractResolver.Resolved prep =
        ContractResolver.resolve(this, dataset.schema(), true, getFeaturesCol(), getLabelCol());
    Scoring.transformSchema(dataset.schema(), getFeaturesCol(),
        outputs(prep.contract().numClasses(), prep.contract().isBinarySigmoid()));
    ModelState state = Fitting.fit(this, dataset, prep, getFeaturesCol(), getLabelCol(),
        st -> copyValues(new NeuralNetClassificationModel(uid(), st), ParamMap.empty()));
    NeuralNetClassificationModel model = new NeuralNetClassificationModel(uid(), state);
    return copyValues(model, ParamMap.empty()).setParent(this);
  }

  @Override
  public NeuralNetClassificationModel train(Dataset<?> dataset) {
    return fit(dataset);
  }

  private ClassifierOutputs outputs(int classes, boolean binary) {
    return new ClassifierOutputs(getRawPredictionCol(), getProbabilityCol(), getPredictionCol(),
        classes, binary, null);
  }

  /**
   * @return a writer that saves this stage (params, and for models the network, compile
   *     options, weights, optimizer state, history and provenance) atomically to any Hadoop
   *     file system
   */
  @Override
  public MLWriter write() {
    return new ModelIO.Writer(this, null);
  }

  /** @return a reader for saved {@code NeuralNetClassifier}s */
  public static MLReader<NeuralNetClassifier> read() {
    return new ModelIO.Reader<>(NeuralNetClassifier.class, (uid, state) -> new NeuralNetClassifier(uid));
  }

  /** Loads a saved {@code NeuralNetClassifier} (any Hadoop file system path). */
  public static NeuralNetClassifier load(String path) {
    return read().load(path);
  }
}
