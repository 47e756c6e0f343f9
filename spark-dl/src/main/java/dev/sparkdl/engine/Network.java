package dev.sparkdl.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.sparkdl.spec.CompileOptions;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.spec.SpecException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A network built from a {@link Sequential} spec on DJL's PyTorch engine: minibatch training,
 * evaluation, prediction, and its state as plain arrays. Not thread-safe; any number of networks
 * may train concurrently, one per thread.
 *
 * <p>Inputs are row-major float arrays of {@code n} samples of {@link #inputSize()} values (the
 * flattened per-sample input shape); targets are {@code n × }{@link #targetSize()} floats (one-hot
 * or probabilities for the categorical cross-entropies, the value for other losses).
 *
 * <pre>{@code
 * try (Network net = Network.create(Sequential.of(Dense.units(1).activation("sigmoid")).inputShape(2),
 *     null, 42)) {
 *   net.setKerasWeights(List.of(Tensor.of(new float[][] {{0.3f}, {0.1f}}), Tensor.of(1.0f)));
 *   float p = net.predict(new float[] {1f, 2.2f}, 1)[0];   // 0.8205
 * }
 * }</pre>
 */
public final class Network implements AutoCloseable {
  private final Sequential spec;
  private final CompileOptions compile;
  private final List<Integer> inputShape;
  private final int inputSize;
  private final int outputSize;
  private final NDManager manager;
  private final SequentialBlock body;
  private final String head;
  private final String outputActivation;
  private final List<Parameter> params;
  private final List<ParamInfo> infos;
  private final List<LayerWeights> layers;
  private final List<NetworkBuilder.NormLayer> norms;
  private final ParameterStore store;
  private final LossFunction loss;
  private final MetricFunctions metrics;
  private final Updater updater;
  private final WeightPenalties penalties;
  /** Inputs and targets reach PyTorch through these buffers, reused from step to step. */
  private final Staging inputStaging = new Staging();
  private final Staging targetStaging = new Staging();
  private SplittableRandom dropoutRandom;
  private boolean sampling;
  private long steps;

  private Network(Sequential spec, CompileOptions compile, List<Integer> inputShape, long seed,
      Device device) {
    BUILT.incrementAndGet();
    this.spec = spec;
    this.compile = compile;
    this.inputShape = List.copyOf(inputShape);
    this.inputSize = product(inputShape);
    List<Integer> out = spec.outputShape(inputShape);
    this.outputSize = product(out);
    Engines.pytorch();
    this.manager = NDManager.newBaseManager(device, "PyTorch");
    try {
      this.dropoutRandom = new SplittableRandom(seed ^ 0x5DEECE66DL);
      Engines.gradMode(false);
      NetworkBuilder.Built built =
          NetworkBuilder.build(spec, inputShape, manager, () -> dropoutRandom, () -> sampling);
      this.body = built.body();
      this.head = built.head();
      this.outputActivation = built.outputActivation();
      this.params = built.params();
      this.infos = built.infos();
      this.layers = built.layers();
      this.norms = built.norms();
      this.penalties = built.penalties();
      this.store = new ParameterStore(manager, false);
      setWeights(initialWeights(seed));
      if (compile != null) {
        List<Parameter> trainable = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
          if (infos.get(i).trainable()) {
            trainable.add(params.get(i));
          }
        }
        this.loss = new LossFunction(compile.loss(), head);
        this.metrics = new MetricFunctions(compile.metrics(), compile.loss().distribution(),
            MetricStatistics.of(compile.metrics(), loss.targetSize(outputSize),
                outputActivation));
        this.updater = Updater.of(compile.optimizer(), trainable, manager);
      } else {
        this.loss = null;
        this.metrics = new MetricFunctions(List.of(), null,
            MetricStatistics.of(List.of(), outputSize, null));
        this.updater = null;
      }
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Builds a network and initialises its weights from the seed with the spec's (Keras)
   * initializers.
   *
   * @param spec the network; its input shape must be set
   * @param compile loss, optimizer and metrics; {@code null} for inference only
   * @param seed the initialisation seed
   * @return the network; close it to free native memory
   */
  public static Network create(Sequential spec, CompileOptions compile, long seed) {
    if (spec.inputShape() == null) {
      throw new SpecException(
          "The network has no input shape: give it with Sequential.inputShape(...), e.g."
              + " inputShape(784).");
    }
    return new Network(spec, compile, spec.inputShape(), seed, Device.cpu());
  }

  /** As {@link #create(Sequential, CompileOptions, long)} with an explicit input shape. */
  public static Network create(
      Sequential spec, CompileOptions compile, List<Integer> inputShape, long seed) {
    return new Network(spec, compile, inputShape, seed, Device.cpu());
  }

  /**
   * As {@link #create(Sequential, CompileOptions, List, long)} on a given device (see {@link
   * Engines#device}).
   */
  public static Network create(Sequential spec, CompileOptions compile,
      List<Integer> inputShape, long seed, ComputeDevice device) {
    return new Network(spec, compile, inputShape, seed, device.djl());
  }

  private static final java.util.concurrent.atomic.AtomicLong BUILT =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * @return how many networks this JVM has built so far: lets tests and diagnostics check that a
   *     code path reuses its networks
   */
  public static long builtCount() {
    return BUILT.get();
  }

  /** @return the spec this network was built from */
  public Sequential spec() {
    return spec;
  }

  /** @return the per-sample input shape */
  public List<Integer> inputShape() {
    return inputShape;
  }

  /** @return values per input sample */
  public int inputSize() {
    return inputSize;
  }

  /** @return values per output sample */
  public int outputSize() {
    return outputSize;
  }

  /**
   * @return target values per sample: {@link #outputSize()}, or 1 for a likelihood loss (whose
   *     outputs are a distribution's parameters)
   */
  public int targetSize() {
    return loss == null ? outputSize : loss.targetSize(outputSize);
  }

  /**
   * @return the activation split off the body and applied at prediction ("softmax", "sigmoid",
   *     "linear"...): the network's output activation when its last layer applies it (see
   *     {@link dev.sparkdl.spec.OutputHead}), else linear
   */
  public String headActivation() {
    return head;
  }

  /** @return the compiled metric names, in order */
  public List<String> metricNames() {
    return compile == null ? List.of() : compile.metrics();
  }

  /** @return optimizer steps taken by this instance */
  public long steps() {
    return steps;
  }

  /** Reseeds the dropout mask generator (the distributed trainer does so per round and task). */
  public void seedDropout(long seed) {
    dropoutRandom = new SplittableRandom(seed);
  }

  /** @return Keras-initialised weights for this architecture and seed (DJL layout) */
  public WeightSnapshot initialWeights(long seed) {
    return snapshotOf(KerasLayout.initial(layers, infos.size(), seed));
  }

  /** @return every parameter and running statistic, DJL layout (copies) */
  public WeightSnapshot weights() {
    Engines.gradMode(false);
    float[][] values = new float[params.size()][];
    for (int i = 0; i < values.length; i++) {
      values[i] = params.get(i).getArray().toFloatArray();
    }
    return snapshotOf(values);
  }

  /**
   * Loads a snapshot taken from a network of the same architecture.
   *
   * @throws IllegalArgumentException naming the first parameter whose name or shape differs
   */
  public void setWeights(WeightSnapshot snapshot) {
    if (snapshot.size() != params.size()) {
      throw new IllegalArgumentException(
          "weights hold " + snapshot.size() + " arrays, this network has " + params.size()
              + " parameters " + names());
    }
    Engines.gradMode(false);
    for (int i = 0; i < params.size(); i++) {
      ParamInfo info = infos.get(i);
      if (!Arrays.equals(snapshot.shape(i), info.djlShape())) {
        throw new IllegalArgumentException(
            "weight " + i + " (" + snapshot.name(i) + ") has shape "
                + Arrays.toString(snapshot.shape(i)) + ", the network's " + info.name()
                + " has shape "
                + Arrays.toString(info.djlShape()));
      }
      params.get(i).getArray().set(snapshot.values(i));
    }
  }

  /** @return the weights in Keras' {@code get_weights()} order and layout */
  public List<Tensor> kerasWeights() {
    return KerasLayout.toKeras(layers, weights());
  }

  /**
   * Keras' {@code set_weights}: arrays in {@code get_weights()} order and Keras layout (Dense
   * kernel {@code (input_dim, units)}, then bias; BatchNormalization gamma, beta, moving mean,
   * moving variance).
   *
   * @throws IllegalArgumentException naming the array whose count or shape is wrong
   */
  public void setKerasWeights(List<Tensor> weights) {
    setWeights(snapshotOf(KerasLayout.fromKeras(layers, infos.size(), weights)));
  }

  /** @return names and Keras shapes of the weights, e.g. {@code [0_dense/kernel [2, 1], ...]} */
  public String kerasDescription() {
    return KerasLayout.describe(layers);
  }

  /**
   * @return which snapshot arrays are trained and where the BatchNormalization layers keep
   *     their moving statistics
   */
  public WeightLayout layout() {
    boolean[] trainable = new boolean[infos.size()];
    for (int i = 0; i < trainable.length; i++) {
      trainable[i] = infos.get(i).trainable();
    }
    int[] mean = new int[norms.size()];
    int[] variance = new int[norms.size()];
    for (int l = 0; l < mean.length; l++) {
      mean[l] = norms.get(l).meanParam();
      variance[l] = norms.get(l).varianceParam();
    }
    return new WeightLayout(trainable, mean, variance);
  }

  /**
   * Per-channel moments of what BatchNormalization layer {@code layer} receives for these
   * inputs in inference mode (dropout off, the layers before it normalising with their moving
   * statistics) — what its moving mean and variance estimate.
   *
   * @param layer the normalization layer, from 0 in network order (see {@link #layout()})
   * @param inputs {@code samples × inputSize} inputs
   * @param samples the number of samples
   * @return moments over every axis but the last (channels); counts values, not samples
   */
  public Moments normalizationInputMoments(int layer, float[] inputs, int samples) {
    Engines.gradMode(false);
    int child = norms.get(layer).child();
    try (NDManager step = manager.newSubManager()) {
      NDList in = new NDList(inputStaging.array(step, inputs, batchShape(samples)));
      for (int c = 0; c < child; c++) {
        in = body.getChildren().valueAt(c).forward(store, in, false);
      }
      NDArray a = in.singletonOrThrow();
      long channels = a.getShape().get(a.getShape().dimension() - 1);
      NDArray flat = a.reshape(-1, channels);
      long count = flat.getShape().get(0);
      NDArray mean = flat.mean(new int[] {0});
      NDArray m2 = flat.sub(mean).square().sum(new int[] {0});
      return new Moments(count, toDoubles(mean), toDoubles(m2));
    }
  }

  /**
   * Sets the learning rate of the optimizer (a schedule or warm-up changes it between steps);
   * the optimizer's state is kept.
   */
  public void setLearningRate(double value) {
    requireCompiled();
    updater.setLearningRate(value);
  }

  /** @return the optimizer's current learning rate */
  public double learningRate() {
    requireCompiled();
    return updater.learningRate();
  }

  /** @return the optimizer's state (slot arrays and step count) */
  public OptimizerState optimizerState() {
    requireCompiled();
    Engines.gradMode(false);
    return updater.state();
  }

  /** Restores optimizer state taken from a network of the same architecture and optimizer. */
  public void setOptimizerState(OptimizerState state) {
    requireCompiled();
    Engines.gradMode(false);
    updater.setState(state);
  }

  /**
   * One optimizer step on a minibatch.
   *
   * @param inputs {@code samples × inputSize} inputs
   * @param targets {@code samples × targetSize} targets
   * @param samples the number of samples
   * @return loss and metric sums of this batch (computed before the update, as Keras reports;
   *     the loss includes the layers' regularizers, see {@link dev.sparkdl.spec.WeightRules}).
   *     After the update the layers' constraints are applied.
   * @throws NonFiniteLossException if the loss is NaN or infinite
   */
  public BatchStats trainBatch(float[] inputs, float[] targets, int samples) {
    return trainBatch(inputs, targets, null, samples);
  }

  /**
   * One optimizer step on a minibatch with per-row sample weights: the loss is Keras' {@code
   * sum_over_batch_size} of the weighted per-sample losses (divided by the batch size, not the
   * weights' sum); the metrics are weighted too (Spark's weightCol convention, Keras' {@code
   * weighted_metrics}).
   *
   * @param weights {@code samples} non-negative weights, or null for 1 each
   * @see #trainBatch(float[], float[], int)
   */
  public BatchStats trainBatch(float[] inputs, float[] targets, float[] weights, int samples) {
    requireCompiled();
    BatchStats stats = new BatchStats(metrics.size());
    try (NDManager step = manager.newSubManager()) {
      Engines.gradMode(true);
      NDArray xs = inputStaging.array(step, inputs, batchShape(samples));
      NDArray ys = targetStaging.array(step, targets, new Shape(samples, targetSize()));
      NDArray ws = weights == null ? null : step.create(weights, new Shape(samples));
      float[][] varianceBefore = movingVariances();
      NDArray[] zs = new NDArray[1];
      NDArray l = lossWithPenalties(xs, ys, ws, true, zs, step);
      NDArray z = zs[0];
      JniUtils.backward((PtNDArray) l, (PtNDArray) step.ones(l.getShape()), false, false);
      Engines.gradMode(false);
      keepKerasVarianceUpdate(varianceBefore, samples); // after backward: autograd saved it
      float lossValue = l.getFloat();
      if (!Float.isFinite(lossValue)) {
        throw new NonFiniteLossException(
            "The loss became " + lossValue + " at training step " + (steps + 1) + " (a batch of "
                + samples + " samples, loss " + compile.loss().name() + ", optimizer "
                + compile.optimizer().className() + " with learning_rate "
                + compile.optimizer().learningRate() + "). Lower the learning rate, scale the"
                + " features (e.g. with StandardScaler) or check the labels for extreme values.");
      }
      stats = statsOf(z.stopGradient(), ys, weights, samples, lossValue, step);
      updater.step(step);
      if (penalties.hasConstraints()) {
        penalties.constrain(params, layers);
      }
      steps++;
    } finally {
      Engines.gradMode(false);
    }
    return stats;
  }

  /**
   * The batch's mean loss plus, as Keras adds its layers' losses, the weight regularizers and
   * the activity regularizers (of each regularized layer's output, summed over the batch).
   *
   * @param z receives the body's output
   */
  private NDArray lossWithPenalties(NDArray xs, NDArray ys, NDArray ws, boolean training,
      NDArray[] z, NDManager step) {
    List<WeightPenalties.ActivityTerm> activity = penalties.activity();
    NDArray extra = null;
    if (activity.isEmpty()) {
      z[0] = body.forward(store, new NDList(xs), training).singletonOrThrow();
    } else {
      NDList cur = new NDList(xs);
      int children = body.getChildren().size();
      for (int c = 0; c < children; c++) {
        cur = body.getChildren().valueAt(c).forward(store, cur, training);
        for (WeightPenalties.ActivityTerm t : activity) {
          if (!t.last() && t.childEnd() == c + 1) {
            extra = WeightPenalties.add(extra,
                WeightPenalties.of(cur.singletonOrThrow(), t.l1(), t.l2(), step), step);
          }
        }
      }
      z[0] = cur.singletonOrThrow();
      for (WeightPenalties.ActivityTerm t : activity) {
        if (t.last()) {
          NDArray y = ActivationFunctions.apply(head, z[0]);
          extra = WeightPenalties.add(extra, WeightPenalties.of(y, t.l1(), t.l2(), step), step);
        }
      }
    }
    extra = WeightPenalties.add(extra, penalties.weightPenalty(params, step), step);
    NDArray l = loss.compute(z[0], ys, ws);
    return extra == null ? l : l.add(extra);
  }

  private float[][] movingVariances() {
    float[][] v = new float[norms.size()][];
    for (int i = 0; i < v.length; i++) {
      v[i] = params.get(norms.get(i).varianceParam()).getArray().toFloatArray();
    }
    return v;
  }

  /**
   * PyTorch moves the variance towards the unbiased batch variance ({@code n / (n - 1)} times
   * the biased one); Keras towards the biased one. With {@code m} Keras' momentum, PyTorch left
   * {@code new = m old + (1 - m) unbiased}; this rewrites it to {@code m old + (1 - m) biased =
   * m old + (new - m old) (n - 1) / n}, where {@code n} counts the values per channel.
   */
  private void keepKerasVarianceUpdate(float[][] before, int samples) {
    for (int i = 0; i < before.length; i++) {
      NetworkBuilder.NormLayer norm = norms.get(i);
      long n = (long) samples * norm.valuesPerSample();
      if (n < 2) {
        continue;
      }
      NDArray var = params.get(norm.varianceParam()).getArray();
      float[] now = var.toFloatArray();
      double m = norm.momentum();
      double f = (n - 1) / (double) n;
      float[] fixed = new float[now.length];
      for (int c = 0; c < now.length; c++) {
        double old = m * before[i][c];
        fixed[c] = (float) (old + (now[c] - old) * f);
      }
      var.set(fixed);
    }
  }

  /**
   * Loss and metrics on a batch in inference mode (dropout off, BatchNorm moving statistics).
   */
  public BatchStats evaluate(float[] inputs, float[] targets, int samples) {
    return evaluate(inputs, targets, null, samples);
  }

  /**
   * Loss and metrics on a batch in inference mode, the loss weighted as in {@link
   * #trainBatch(float[], float[], float[], int)}.
   *
   * @param weights {@code samples} non-negative weights, or null for 1 each
   */
  public BatchStats evaluate(float[] inputs, float[] targets, float[] weights, int samples) {
    requireCompiled();
    Engines.gradMode(false);
    try (NDManager step = manager.newSubManager()) {
      NDArray xs = inputStaging.array(step, inputs, batchShape(samples));
      NDArray ys = targetStaging.array(step, targets, new Shape(samples, targetSize()));
      NDArray ws = weights == null ? null : step.create(weights, new Shape(samples));
      NDArray[] zs = new NDArray[1];
      float lossValue = lossWithPenalties(xs, ys, ws, false, zs, step).getFloat();
      return statsOf(zs[0], ys, weights, samples, lossValue, step);
    }
  }

  /**
   * Inference on a batch.
   *
   * @param inputs {@code samples × inputSize} inputs
   * @param samples the number of samples
   * @param raw receives the pre-activation outputs ({@code samples × outputSize}), or null
   * @param out receives the activated outputs ({@code samples × outputSize}), or null
   */
  public void predict(float[] inputs, int samples, float[] raw, float[] out) {
    Engines.gradMode(false);
    try (NDManager step = manager.newSubManager()) {
      NDArray xs = inputStaging.array(step, inputs, batchShape(samples));
      NDArray z = body.forward(store, new NDList(xs), false).singletonOrThrow();
      if (raw != null) {
        copyInto(rawScores(z), raw, samples);
      }
      if (out != null) {
        copyInto(ActivationFunctions.apply(head, z), out, samples);
      }
    }
  }

  /**
   * Monte Carlo dropout: {@code passes} forward passes in inference mode (BatchNormalization
   * uses its moving statistics) with the Dropout layers drawing masks as in training, from a
   * generator seeded with {@code seed}.
   *
   * @param inputs {@code samples × inputSize} inputs
   * @param samples the number of samples
   * @param passes the number of passes
   * @param seed seeds the masks
   * @param raw receives each pass's pre-activation outputs, {@code passes} arrays of
   *     {@code samples × outputSize}
   */
  public void predictWithDropout(float[] inputs, int samples, int passes, long seed,
      float[][] raw) {
    Engines.gradMode(false);
    SplittableRandom kept = dropoutRandom;
    dropoutRandom = new SplittableRandom(seed);
    sampling = true;
    try {
      for (int t = 0; t < passes; t++) {
        try (NDManager pass = manager.newSubManager()) {
          NDArray xs = inputStaging.array(pass, inputs, batchShape(samples));
          NDArray z = body.forward(store, new NDList(xs), false).singletonOrThrow();
          copyInto(rawScores(z), raw[t], samples);
        }
      }
    } finally {
      sampling = false;
      dropoutRandom = kept;
    }
  }

  /** @return whether the network has Dropout layers that Monte Carlo dropout can sample */
  public boolean hasDropout() {
    return spec.layers().stream().anyMatch(l -> l instanceof dev.sparkdl.spec.Dropout d
        && d.rate() > 0);
  }

  /**
   * Raw scores consistent with the output activation: the pre-activation values when the head
   * is split off; when the activation sits before a trailing Dropout (so the body already
   * outputs probabilities), the scores it would have had: log-odds for sigmoid, log-probabilities
   * for softmax (softmax of them gives the probabilities back).
   */
  private NDArray rawScores(NDArray z) {
    if (!"linear".equals(head) || "linear".equals(outputActivation)) {
      return z;
    }
    if ("sigmoid".equals(outputActivation)) {
      NDArray p = z.clip(1e-7f, 1 - 1e-7f);
      return p.log().sub(p.neg().add(1).log());
    }
    if ("softmax".equals(outputActivation)) {
      return z.clip(1e-7f, 1).log();
    }
    return z;
  }

  /** @return the activated outputs of {@code samples} samples, {@code samples × outputSize} */
  public float[] predict(float[] inputs, int samples) {
    float[] out = new float[samples * outputSize];
    predict(inputs, samples, null, out);
    return out;
  }

  @Override
  public void close() {
    manager.close();
  }

  /**
   * The batch's loss and metric sums. With sample weights the metrics are weighted (Spark's
   * weightCol convention, Keras' {@code weighted_metrics}): each row counts its weight, and the
   * per-sample metrics' means divide by the weights' sum.
   */
  private BatchStats statsOf(NDArray z, NDArray ys, float[] w, int n, float lossValue,
      NDManager step) {
    double[] sums = new double[metrics.size()];
    if (metrics.size() > 0) {
      metrics.sums(z, loss.prediction(z), ys, w, sums);
    }
    double weightSum = n;
    if (w != null) {
      weightSum = 0;
      for (int i = 0; i < n; i++) {
        weightSum += w[i];
      }
    }
    return new BatchStats(n, weightSum, (double) lossValue * n, sums);
  }

  private void copyInto(NDArray a, float[] dst, int n) {
    float[] v = a.toFloatArray();
    if (v.length != n * outputSize) {
      throw new IllegalStateException("output has " + v.length + " values, expected " + n * outputSize);
    }
    System.arraycopy(v, 0, dst, 0, v.length);
  }

  private Shape batchShape(int n) {
    long[] dims = new long[inputShape.size() + 1];
    dims[0] = n;
    for (int i = 0; i < inputShape.size(); i++) {
      dims[i + 1] = inputShape.get(i);
    }
    return new Shape(dims);
  }

  private WeightSnapshot snapshotOf(float[][] values) {
    String[] names = new String[infos.size()];
    long[][] shapes = new long[infos.size()][];
    for (int i = 0; i < names.length; i++) {
      names[i] = infos.get(i).name();
      shapes[i] = infos.get(i).djlShape();
    }
    return new WeightSnapshot(names, shapes, values);
  }

  private List<String> names() {
    List<String> n = new ArrayList<>();
    infos.forEach(i -> n.add(i.name()));
    return n;
  }

  private void requireCompiled() {
    if (updater == null) {
      throw new IllegalStateException(
          "This network was created without compile options (inference only); create it with a"
              + " CompileOptions to train or evaluate.");
    }
  }

  private static double[] toDoubles(NDArray a) {
    float[] f = a.toFloatArray();
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  private static int product(List<Integer> shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return Math.toIntExact(n);
  }
}
