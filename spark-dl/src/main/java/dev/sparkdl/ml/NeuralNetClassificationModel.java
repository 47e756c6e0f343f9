package dev.sparkdl.ml;

import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted {@link NeuralNetClassifier}. {@link #transform} scores in batches inside
 * {@code mapPartitions} and appends rawPrediction (logits), probability and prediction columns
 * that Spark's Multiclass- and BinaryClassificationEvaluator accept.
 */
public class NeuralNetClassificationModel
    extends ProbabilisticClassificationModel<Vector, NeuralNetClassificationModel>
    implements NeuralNetModelSetters<NeuralNetClassificationModel>, MLWritable {
  private static final long serialVersionUID = 1L;
  private String uid;
  private NeuralNetParamDefinitions nn;
  private final ModelState state;

  /**
   * @param uid the uid (the estimator's)
   * @param state what was learned
   */
  public NeuralNetClassificationModel(String uid, ModelState state) {
    this(Uids.push(uid), state);
  }

  private NeuralNetClassificationModel(Uids.Token token, ModelState state) {
    super();
    this.uid = Uids.pop(token);
    this.state = state;
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
  public ModelState state() {
    return state;
  }

  @Override
  public int numClasses() {
    return state.numClasses();
  }

  @Override
  public int numFeatures() {
    return state.numFeatures();
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return Scoring.transformSchema(schema, getFeaturesCol(), outputs());
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    return Scoring.transform(dataset, state, getFeaturesCol(), getInferenceBatchSize(), outputs(),
        getDevice());
  }

  @Override
  public Vector predictRaw(Vector features) {
    float[][] out = Scoring.predictOne(state, features);
    double[] r = new double[numClasses()];
    if (isBinarySigmoid()) {
      r[0] = -out[0][0];
      r[1] = out[0][0];
    } else {
      for (int i = 0; i < r.length; i++) {
        r[i] = out[0][i];
      }
    }
    return Vectors.dense(r);
  }

  @Override
  public Vector raw2probabilityInPlace(Vector rawPrediction) {
    double[] v = ((DenseVector) rawPrediction).values();
    if (isBinarySigmoid()) {
      double p = 1 / (1 + Math.exp(-v[1]));
      v[0] = 1 - p;
      v[1] = p;
      return rawPrediction;
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      max = Math.max(max, x);
    }
    double sum = 0;
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.exp(v[i] - max);
      sum += v[i];
    }
    for (int i = 0; i < v.length; i++) {
      v[i] /= sum;
    }
    return rawPrediction;
  }

  /**
   * Draws the decision boundary over two features as a PNG of {@value
   * dev.sparkdl.plot.DecisionBoundaryPlot#DEFAULT_WIDTH} × {@value
   * dev.sparkdl.plot.DecisionBoundaryPlot#DEFAULT_HEIGHT} pixels: a {@value
   * dev.sparkdl.plot.DecisionBoundaryPlot#DEFAULT_GRID}² grid over the data's range (padded by
   * 10 %) shaded by the predicted class, with the rows drawn on top coloured by their label
   * (the label column). With more than two features, the others are held at their mean over
   * {@code data}. The grid is scored on the driver with this model's network in batches, as
   * {@code transform} would predict (thresholds included). Data sets of more than 10 000
   * rows are sampled (seeded) for the points. Axis titles are the feature
   * names of the features column's ML attributes (as VectorAssembler writes them), else
   * "feature i"; legend entries are the label column's nominal values (StringIndexer), else
   * "class k".
   *
   * @param data rows with the features column and the label column
   * @param xFeature index in the feature vector of the horizontal axis
   * @param yFeature index of the vertical axis
   * @param path a local path or any Hadoop file system URI; an existing file is replaced
   * @throws IllegalArgumentException for an index out of range, equal indices, a missing
   *     column or no rows
   */
  public void plotDecisionBoundary(Dataset<?> data, int xFeature, int yFeature, String path) {
    plotDecisionBoundary(data, xFeature, yFeature, path,
        dev.sparkdl.plot.DecisionBoundaryPlot.DEFAULT_WIDTH,
        dev.sparkdl.plot.DecisionBoundaryPlot.DEFAULT_HEIGHT);
  }

  /**
   * {@link #plotDecisionBoundary(Dataset, int, int, String)} at {@code width × height} pixels
   * (150 to 10000 each).
   */
  public void plotDecisionBoundary(Dataset<?> data, int xFeature, int yFeature, String path,
      int width, int height) {
    Plots.decisionBoundary(this, data, xFeature, yFeature, path, width, height);
  }

  /**
   * {@link #plotDecisionBoundary(Dataset, int, int, String)} with the features named as in the
   * features column's ML attributes (e.g. the input columns of a VectorAssembler).
   *
   * @throws IllegalArgumentException listing the column's feature names for an unknown name
   */
  public void plotDecisionBoundary(Dataset<?> data, String xFeature, String yFeature,
      String path) {
    plotDecisionBoundary(data, xFeature, yFeature, path,
        dev.sparkdl.plot.DecisionBoundaryPlot.DEFAULT_WIDTH,
        dev.sparkdl.plot.DecisionBoundaryPlot.DEFAULT_HEIGHT);
  }

  /** The named-feature form at {@code width × height} pixels. */
  public void plotDecisionBoundary(Dataset<?> data, String xFeature, String yFeature,
      String path, int width, int height) {
    plotDecisionBoundary(data,
        Plots.featureIndex(data, getFeaturesCol(), numFeatures(), xFeature),
        Plots.featureIndex(data, getFeaturesCol(), numFeatures(), yFeature), path, width, height);
  }

  @Override
  public NeuralNetClassificationModel copy(ParamMap extra) {
    NeuralNetClassificationModel m = new NeuralNetClassificationModel(uid(), state);
    return copyValues(m, extra).setParent(parent());
  }

  /**
   * Spark-internal hook for training summaries (which this model does not produce); overridden
   * only because Java sees two inherited versions of it.
   */
  @Override
  @SuppressWarnings({"rawtypes", "unchecked"})
  public scala.Tuple3 findSummaryModel() {
    return new scala.Tuple3(this, getProbabilityCol(), getPredictionCol());
  }

  @Override
  public String toString() {
    return "NeuralNetClassificationModel: uid=" + uid() + ", numClasses=" + numClasses()
        + ", numFeatures=" + numFeatures();
  }

  private boolean isBinarySigmoid() {
    return state.contract().isBinarySigmoid();
  }

  private ClassifierOutputs outputs() {
    return new ClassifierOutputs(getRawPredictionCol(), getProbabilityCol(), getPredictionCol(),
        numClasses(), isBinarySigmoid(), isDefined(thresholds()) ? getThresholds() : null);
  }

  /**
   * @return a writer that saves this stage (params, and for models the network, compile
   *     options, weights, optimizer state, history and provenance) atomically to any Hadoop
   *     file system
   */
  @Override
  public MLWriter write() {
    return new ModelIO.Writer(this, state);
  }

  /** @return a reader for saved {@code NeuralNetClassificationModel}s */
  public static MLReader<NeuralNetClassificationModel> read() {
    return new ModelIO.Reader<>(NeuralNetClassificationModel.class, NeuralNetClassificationModel::new);
  }

  /** Loads a saved {@code NeuralNetClassificationModel} (any Hadoop file system path). */
  public static NeuralNetClassificationModel load(String path) {
    return read().load(path);
  }
}
