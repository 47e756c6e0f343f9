package dev.sparkdl.ml;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.ml.regression.Regressor;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * A Keras-style neural network regressor trained on the Spark partitions with parameter
 * averaging. The network ends with one unit (linear, usually); the label is a number. With
 * {@code setDistribution("normal")} it ends with two linear units and predicts a mean and a
 * standard deviation; with {@code "poisson"} one linear unit, the log rate of a count (see
 * {@link DistributionParams} and docs/probabilistic.md).
 *
 * <pre>{@code
 * NeuralNetRegressor reg = new NeuralNetRegressor()
 *     .setLayers(Sequential.of(Dense.units(32).activation("relu"), Dense.units(1)))
 *     .setLoss("mse").setOptimizer("adam").setEpochs(50);
 * }</pre>
 */
public class NeuralNetRegressor
    extends Regressor<Vector, NeuralNetRegressor, NeuralNetRegressionModel>
    implements NeuralNetEstimatorParams<NeuralNetRegressor>, DistributionParams<NeuralNetRegressor>, MLWritable {
  private static final long serialVersionUID = 1L;
  private String uid;
  private NeuralNetParamDefinitions nn;
  private DistributionParams.Definitions dist;

  /** Creates a regressor with a random uid. */
  public NeuralNetRegressor() {
    this(Identifiable$.MODULE$.randomUID("neuralNetRegressor"));
  }

  /** @param uid the stage's uid */
  public NeuralNetRegressor(String uid) {
    this(Uids.push(uid));
  }

  private NeuralNetRegressor(Uids.Token token) {
    super();
    this.uid = Uids.pop(token);
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
  public NeuralNetRegressor copy(ParamMap extra) {
    NeuralNetRegressor copy = defaultCopy(extra);
    nnParams().copyNonParamsTo(copy.nnParams());
    return copy;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    ContractResolver.resolve(this, schema, false, getFeaturesCol(), getLabelCol());
    return Scoring.transformSchema(schema, getFeaturesCol(), new RegressorOutputs(getPredictionCol(), this));
  }

  /**
   * Checks the schema and params (no Spark job), converts the rows once (validating every row)
   * and trains.
   */
  @Override
  public NeuralNetRegressionModel fit(Dataset<?> dataset) {
    ContractResolver.Resolved prep =
        ContractResolver.resolve(this, dataset.schema(), false, getFeaturesCol(), getLabelCol());
    Scoring.transformSchema(dataset.schema(), getFeaturesCol(), new RegressorOutputs(getPredictionCol(), this));
    ModelState state = Fitting.fit(this, dataset, prep, getFeaturesCol(), getLabelCol(),
        st -> copyValues(new NeuralNetRegressionModel(uid(), st), ParamMap.empty()));
    NeuralNetRegressionModel model = new NeuralNetRegressionModel(uid(), state);
    return copyValues(model, ParamMap.empty()).setParent(this);
  }

  @Override
  public NeuralNetRegressionModel train(Dataset<?> dataset) {
    return fit(dataset);
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

  /** @return a reader for saved {@code NeuralNetRegressor}s */
  public static MLReader<NeuralNetRegressor> read() {
    return new ModelIO.Reader<>(NeuralNetRegressor.class, (uid, state) -> new NeuralNetRegressor(uid));
  }

  /** Loads a saved {@code NeuralNetRegressor} (any Hadoop file system path). */
  public static NeuralNetRegressor load(String path) {
    return read().load(path);
  }
}
