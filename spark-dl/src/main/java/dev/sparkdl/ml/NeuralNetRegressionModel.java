package dev.sparkdl.ml;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted {@link NeuralNetRegressor}. {@link #transform} scores in batches inside
 * {@code mapPartitions} and appends a prediction column that Spark's RegressionEvaluator takes.
 */
public class NeuralNetRegressionModel
    extends RegressionModel<Vector, NeuralNetRegressionModel>
    implements NeuralNetModelSetters<NeuralNetRegressionModel>, DistributionParams<NeuralNetRegressionModel>, MLWritable {
  private static final long serialVersionUID = 1L;
  private String uid;
  private NeuralNetParamDefinitions nn;
  private DistributionParams.Definitions dist;
  private final ModelState state;

  /**
   * @param uid the uid (the estimator's)
   * @param state what was learned
   */
  public NeuralNetRegressionModel(String uid, ModelState state) {
    this(Uids.push(uid), state);
  }

  private NeuralNetRegressionModel(Uids.Token token, ModelState state) {
    super();
    this.uid = Uids.pop(token);
    this.state = state;
    NeuralNetParamDefinitions.setDefaults(this, false);
    DistributionParams.Definitions.setDefaults(this);
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
  public DistributionParams.Definitions distributionParams() {
    if (dist == null) {
      dist = new DistributionParams.Definitions(this);
    }
    return dist;
  }

  @Override
  public ModelState state() {
    return state;
  }

  @Override
  public int numFeatures() {
    return state.numFeatures();
  }

  @Override
  public double predict(Vector features) {
    float[][] out = Scoring.predictOne(state, features);
    return outputs().mean(out[0], out[1]);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return Scoring.transformSchema(schema, getFeaturesCol(), outputs());
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    return Scoring.transform(dataset, state, getFeaturesCol(), getInferenceBatchSize(),
        outputs(), getDevice());
  }

  private RegressorOutputs outputs() {
    if (getMcSamples() > 0 && state.contract().network().layers().stream()
        .noneMatch(l -> l instanceof dev.sparkdl.spec.Dropout d && d.rate() > 0)) {
      throw new IllegalArgumentException(
          "mcSamples is " + getMcSamples() + ", but the network has no Dropout layer with a rate"
              + " above 0: Monte Carlo dropout draws its passes from the Dropout layers. Fit a"
              + " network with Dropout (e.g. Dropout.rate(0.1) after each hidden layer) or set"
              + " mcSamples to 0.");
    }
    return new RegressorOutputs(getPredictionCol(), this);
  }

  @Override
  public NeuralNetRegressionModel copy(ParamMap extra) {
    NeuralNetRegressionModel m = new NeuralNetRegressionModel(uid(), state);
    return copyValues(m, extra).setParent(parent());
  }

  @Override
  public String toString() {
    return "NeuralNetRegressionModel: uid=" + uid() + ", numFeatures=" + numFeatures();
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

  /** @return a reader for saved {@code NeuralNetRegressionModel}s */
  public static MLReader<NeuralNetRegressionModel> read() {
    return new ModelIO.Reader<>(NeuralNetRegressionModel.class, NeuralNetRegressionModel::new);
  }

  /** Loads a saved {@code NeuralNetRegressionModel} (any Hadoop file system path). */
  public static NeuralNetRegressionModel load(String path) {
    return read().load(path);
  }
}
