package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' recurrent layers {@code SimpleRNN}, {@code GRU} and {@code LSTM} over {@code
 * (timesteps, features)} input: {@code return_sequences=false} (default) gives the last step's
 * output {@code (units)}, {@code true} every step's {@code (timesteps, units)}. Every activation
 * and recurrent activation of {@link Activations} is computed; weights start as the initializers
 * say (Keras: kernel glorot_uniform, recurrent kernel orthogonal, bias zeros, LSTM forget-gate
 * bias 1 with {@code unit_forget_bias}). GRU computes either Keras form: {@code reset_after=true}
 * (Keras 3 and tf.keras 2 default, bias {@code (2, 3·units)}) or {@code false} (Keras 1 and 2.0–2.2,
 * bias {@code (3·units)}). {@code dropout} masks the inputs and {@code recurrent_dropout} the
 * state fed back, one mask per sequence, while training only, as Keras does.
 *
 * <pre>{@code Recurrent.lstm(32)   // LSTM(32)}</pre>
 *
 * @param kind "SimpleRNN", "GRU" or "LSTM"
 * @param units the state size, &gt; 0
 * @param activation the candidate/output activation (Keras' default tanh)
 * @param returnSequences whether to return every step
 * @param recurrentActivation the gates' activation (Keras' default sigmoid; unused by SimpleRNN)
 * @param useBias whether the layer has biases
 * @param goBackwards whether to read the sequence last step first (outputs in that order too)
 * @param dropout the fraction of inputs dropped while training, in [0, 1)
 * @param recurrentDropout the fraction of the fed-back state dropped while training, in [0, 1)
 * @param resetAfter GRU: apply the reset gate after the recurrent product (true) or before
 * @param unitForgetBias LSTM: add 1 to the forget gate's initial bias
 * @param kernelInitializer an {@link Initializers} form
 * @param recurrentInitializer an {@link Initializers} form
 * @param biasInitializer an {@link Initializers} form
 * @param rules the {@link WeightRules}: kernel, recurrent_kernel, bias and activity regularizers, kernel, recurrent_kernel and bias
 *     constraints; {@link
 *     WeightRules#NONE} for none
 */
public record Recurrent(String kind, int units, String activation, boolean returnSequences,
    String recurrentActivation, boolean useBias, boolean goBackwards, double dropout,
    double recurrentDropout, boolean resetAfter, boolean unitForgetBias, String kernelInitializer,
    String recurrentInitializer, String biasInitializer, WeightRules rules)
    implements LayerSpec {
  /** The kinds. */
  public static final List<String> KINDS = List.of("SimpleRNN", "GRU", "LSTM");

  /** Validates. */
  public Recurrent {
    if (!KINDS.contains(kind)) {
      throw new SpecException("Recurrent kind must be one of " + KINDS + ". Received: " + kind);
    }
    if (units <= 0) {
      throw new SpecException("Received an invalid value for `units` of " + kind + ", expected a"
          + " positive integer. Received: units=" + units);
    }
    activation = Activations.check(activation);
    recurrentActivation = Activations.check(recurrentActivation);
    for (double[] d : new double[][] {{dropout}, {recurrentDropout}}) {
      if (!(d[0] >= 0 && d[0] < 1)) {
        throw new SpecException("Received an invalid value for `" + (d[0] == dropout ? "dropout"
            : "recurrent_dropout") + "` of " + kind + ", expected a float in [0, 1). Received: "
            + d[0]);
      }
    }
    if ("softmax".equals(activation) || "softmax".equals(recurrentActivation)) {
      throw new SpecException(kind + ": softmax is not supported as a recurrent activation.");
    }
    resetAfter = "GRU".equals(kind) ? resetAfter : true;
    unitForgetBias = "LSTM".equals(kind) && unitForgetBias;
    kernelInitializer = Initializers.check(kernelInitializer);
    recurrentInitializer = Initializers.check(recurrentInitializer);
    biasInitializer = Initializers.check(biasInitializer);
    rules = (rules == null ? WeightRules.NONE : rules).check(kind, WeightRules.RECURRENT.keySet());
  }

  /** The constructor without regularizers or constraints. */
  public Recurrent(String kind, int units, String activation, boolean returnSequences,
      String recurrentActivation, boolean useBias, boolean goBackwards, double dropout,
      double recurrentDropout, boolean resetAfter, boolean unitForgetBias,
      String kernelInitializer, String recurrentInitializer, String biasInitializer) {
    this(kind, units, activation, returnSequences, recurrentActivation, useBias, goBackwards,
        dropout, recurrentDropout, resetAfter, unitForgetBias, kernelInitializer,
        recurrentInitializer, biasInitializer, WeightRules.NONE);
  }

  /** @return a copy with these regularizers and constraints (see {@link WeightRules}) */
  public Recurrent rules(WeightRules rules) {
    return new Recurrent(kind, units, activation, returnSequences, recurrentActivation, useBias,
        goBackwards, dropout, recurrentDropout, resetAfter, unitForgetBias, kernelInitializer,
        recurrentInitializer, biasInitializer, rules);
  }

  /**
   * A layer with Keras 3's defaults besides the given arguments.
   *
   * @param kind "SimpleRNN", "GRU" or "LSTM"
   * @param units the state size
   * @param activation the activation
   * @param returnSequences whether to return every step
   */
  public Recurrent(String kind, int units, String activation, boolean returnSequences) {
    this(kind, units, activation, returnSequences, "sigmoid", true, false, 0, 0, true, true,
        "glorot_uniform", "orthogonal", "zeros");
  }

  /** @return LSTM(units) */
  public static Recurrent lstm(int units) {
    return new Recurrent("LSTM", units, "tanh", false);
  }

  /** @return GRU(units) */
  public static Recurrent gru(int units) {
    return new Recurrent("GRU", units, "tanh", false);
  }

  /** @return SimpleRNN(units) */
  public static Recurrent simpleRnn(int units) {
    return new Recurrent("SimpleRNN", units, "tanh", false);
  }

  /** @return a copy that returns every step */
  public Recurrent returnSequences(boolean all) {
    return new Recurrent(kind, units, activation, all, recurrentActivation, useBias, goBackwards,
        dropout, recurrentDropout, resetAfter, unitForgetBias, kernelInitializer,
        recurrentInitializer, biasInitializer, rules);
  }

  /** @return a copy with another activation */
  public Recurrent activation(String activation) {
    return new Recurrent(kind, units, activation, returnSequences, recurrentActivation, useBias,
        goBackwards, dropout, recurrentDropout, resetAfter, unitForgetBias, kernelInitializer,
        recurrentInitializer, biasInitializer, rules);
  }

  /** @return a copy with another recurrent (gate) activation */
  public Recurrent recurrentActivation(String name) {
    return new Recurrent(kind, units, activation, returnSequences, name, useBias, goBackwards,
        dropout, recurrentDropout, resetAfter, unitForgetBias, kernelInitializer,
        recurrentInitializer, biasInitializer, rules);
  }

  /** @return a copy with GRU's reset gate applied after (true) or before the recurrent product */
  public Recurrent resetAfter(boolean after) {
    return new Recurrent(kind, units, activation, returnSequences, recurrentActivation, useBias,
        goBackwards, dropout, recurrentDropout, after, unitForgetBias, kernelInitializer,
        recurrentInitializer, biasInitializer, rules);
  }

  /** @return a copy with these dropout rates */
  public Recurrent dropout(double inputs, double state) {
    return new Recurrent(kind, units, activation, returnSequences, recurrentActivation, useBias,
        goBackwards, inputs, state, resetAfter, unitForgetBias, kernelInitializer,
        recurrentInitializer, biasInitializer, rules);
  }

  /** @return a copy with or without biases */
  public Recurrent useBias(boolean use) {
    return new Recurrent(kind, units, activation, returnSequences, recurrentActivation, use,
        goBackwards, dropout, recurrentDropout, resetAfter, unitForgetBias, kernelInitializer,
        recurrentInitializer, biasInitializer, rules);
  }

  /** @return a copy reading the sequence backwards */
  public Recurrent goBackwards(boolean backwards) {
    return new Recurrent(kind, units, activation, returnSequences, recurrentActivation, useBias,
        backwards, dropout, recurrentDropout, resetAfter, unitForgetBias, kernelInitializer,
        recurrentInitializer, biasInitializer, rules);
  }

  /**
   * @return whether the layer is exactly what PyTorch's fused kernels compute (tanh, sigmoid
   *     gates, biases, reset after, forwards, no dropout)
   */
  public boolean isStandard() {
    return ("tanh".equals(activation) || "SimpleRNN".equals(kind) && "relu".equals(activation))
        && ("sigmoid".equals(recurrentActivation) || "SimpleRNN".equals(kind)) && useBias
        && !goBackwards && dropout == 0 && recurrentDropout == 0 && resetAfter;
  }

  /** @return gates per unit: 1, 3 or 4 */
  public int gates() {
    return switch (kind) {
      case "LSTM" -> 4;
      case "GRU" -> 3;
      default -> 1;
    };
  }

  @Override
  public String className() {
    return kind;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("units", units);
    c.put("activation", activation);
    if (!"SimpleRNN".equals(kind)) {
      c.put("recurrent_activation", recurrentActivation);
    }
    c.put("use_bias", useBias);
    c.put("kernel_initializer", Initializers.toKeras(kernelInitializer));
    c.put("recurrent_initializer", Initializers.toKeras(recurrentInitializer));
    c.put("bias_initializer", Initializers.toKeras(biasInitializer));
    if ("LSTM".equals(kind)) {
      c.put("unit_forget_bias", unitForgetBias);
    }
    c.put("dropout", dropout);
    c.put("recurrent_dropout", recurrentDropout);
    c.put("return_sequences", returnSequences);
    c.put("go_backwards", goBackwards);
    if ("GRU".equals(kind)) {
      c.put("reset_after", resetAfter);
    }
    rules.writeTo(c, WeightRules.RECURRENT);
    return c;
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    if (input.size() != 2) {
      throw new SpecException(kind + "(" + units + ") needs sequence inputs of shape (timesteps,"
          + " features), but its input has shape " + input + ". Give sequences as"
          + " array<array<double>> or set the input shape, e.g. inputShape(12, 1); a Reshape"
          + " layer can make (timesteps, features) from a flat vector.");
    }
    return returnSequences ? List.of(input.get(0), units) : List.of(units);
  }

  @Override
  public long paramCount(List<Integer> input) {
    long in = input.get(input.size() - 1);
    long weights = gates() * (long) units * (in + units);
    long biases = !useBias ? 0 : gates() * (long) units * ("GRU".equals(kind) && resetAfter ? 2 : 1);
    return weights + biases;
  }

  /** Keras 1's hard_sigmoid is clip(0.2x + 0.5, 0, 1). */
  private static String keras1(String activation) {
    return "hard_sigmoid".equalsIgnoreCase(activation) ? "hard_sigmoid_keras2" : activation;
  }

  /**
   * Reads Keras 1, 2 and 3 configs, and Keras 2's {@code CuDNNLSTM} / {@code CuDNNGRU} (fixed
   * tanh and sigmoid; CuDNNGRU is {@code reset_after=true}).
   */
  static LayerTypes.Reader reader(String kind, boolean cudnn) {
    return c -> {
      // Keras 1: output_dim, init, inner_init, inner_activation, forget_bias_init
      int units = c.has("output_dim") ? c.requiredInt("output_dim") : c.requiredInt("units");
      String act = cudnn ? "tanh" : c.optIdentifier("activation", "tanh");
      String recAct = cudnn || "SimpleRNN".equals(kind) ? "sigmoid"
          : c.has("inner_activation") ? keras1(c.optIdentifier("inner_activation", "hard_sigmoid"))
          : c.optIdentifier("recurrent_activation", "sigmoid");
      String kInit = c.has("init") ? Initializers.read(c, "init", "glorot_uniform")
          : Initializers.read(c, "kernel_initializer", "glorot_uniform");
      String rInit = c.has("inner_init") ? Initializers.read(c, "inner_init", "orthogonal")
          : Initializers.read(c, "recurrent_initializer", "orthogonal");
      String bInit = Initializers.read(c, "bias_initializer", "zeros");
      boolean forgetBias = true;
      if (c.has("forget_bias_init")) {
        String f = Initializers.read(c, "forget_bias_init", "ones");
        if (!"ones".equals(f) && !"zeros".equals(f)) {
          throw new SpecException(kind + ": forget_bias_init=" + f + " is not supported; only"
              + " one or zero.");
        }
        forgetBias = "ones".equals(f);
      }
      forgetBias = c.optBoolean("unit_forget_bias", forgetBias);
      double dropout = c.optDouble(c.has("dropout_W") ? "dropout_W" : "dropout", 0);
      double recDropout = c.optDouble(c.has("dropout_U") ? "dropout_U" : "recurrent_dropout", 0);
      // Keras 1's GRU and Keras 2.0-2.2's GRU compute reset_after=false
      // (absent: false for Keras 1 and 2.0-2.2 files, recognised by output_dim or implementation;
      // true for spark-dl's own earlier files, which wrote only units and activation)
      boolean resetAfter = cudnn || c.optBoolean("reset_after",
          !c.has("output_dim") && !c.has("implementation"));
      Recurrent r = new Recurrent(kind, units, act, c.optBoolean("return_sequences", false),
          recAct, c.optBoolean("use_bias", true), c.optBoolean("go_backwards", false), dropout,
          recDropout, resetAfter, forgetBias, kInit, rInit, bInit,
          WeightRules.read(c, WeightRules.RECURRENT, WeightRules.KERAS1_RECURRENT));
      c.only("return_state", false);
      c.only("stateful", false);
      c.only("time_major", false);
      c.only("zero_output_for_mask", false);
      Keras1.offKeys(c);
      c.ignore("implementation", "unroll",
          "consume_less", "input_length", "seed");
      c.finish();
      return r;
    };
  }
}
