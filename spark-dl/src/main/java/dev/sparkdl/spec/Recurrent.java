package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' recurrent layers {@code SimpleRNN}, {@code GRU} and {@code LSTM} over {@code
 * (timesteps, features)} input: {@code return_sequences=false} (default) gives the last step's
 * output {@code (units)}, {@code true} every step's {@code (timesteps, units)}. Weights follow
 * Keras: kernel glorot_uniform, recurrent kernel orthogonal, bias zeros (LSTM: forget-gate bias
 * 1); GRU is Keras' {@code reset_after=True} form (what PyTorch computes).
 *
 * <pre>{@code Recurrent.lstm(32)   // LSTM(32)}</pre>
 *
 * @param kind "SimpleRNN", "GRU" or "LSTM"
 * @param units the state size, &gt; 0
 * @param activation tanh (SimpleRNN also relu)
 * @param returnSequences whether to return every step
 */
public record Recurrent(String kind, int units, String activation, boolean returnSequences)
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
    List<String> allowed = "SimpleRNN".equals(kind) ? List.of("tanh", "relu") : List.of("tanh");
    if (!allowed.contains(activation)) {
      throw new SpecException(kind + ": activation='" + activation + "' is not supported; use "
          + String.join(" or ", allowed) + " (what the PyTorch kernels compute).");
    }
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
    return new Recurrent(kind, units, activation, all);
  }

  /** @return a copy with another activation (SimpleRNN: tanh or relu) */
  public Recurrent activation(String activation) {
    return new Recurrent(kind, units, activation, returnSequences);
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
    c.put("return_sequences", returnSequences);
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
    long perGate = units * (in + units) + units;
    return gates() * perGate + ("GRU".equals(kind) ? 3L * units : 0);
  }

  static LayerTypes.Reader reader(String kind) {
    return c -> {
      Recurrent r = new Recurrent(kind, c.requiredInt("units"), c.optIdentifier("activation", "tanh"),
          c.optBoolean("return_sequences", false));
      if (!"SimpleRNN".equals(kind)) {
        String ra = c.optIdentifier("recurrent_activation", "sigmoid");
        if (!"sigmoid".equals(Activations.check(ra))) {
          throw new SpecException(kind + ": recurrent_activation='" + ra + "' is not supported;"
              + " only sigmoid (what the PyTorch kernels compute).");
        }
      }
      c.only("use_bias", true);
      c.only("return_state", false);
      c.only("go_backwards", false);
      c.only("stateful", false);
      c.only("unroll", false);
      c.only("dropout", 0.0);
      c.only("recurrent_dropout", 0.0);
      c.only("time_major", false);
      c.only("zero_output_for_mask", false);
      if ("LSTM".equals(kind)) {
        c.only("unit_forget_bias", true);
      }
      if ("GRU".equals(kind)) {
        c.only("reset_after", true);
      }
      for (String[] init : new String[][] {{"kernel_initializer", "glorot_uniform"},
          {"recurrent_initializer", "orthogonal"}, {"bias_initializer", "zeros"}}) {
        String v = c.optIdentifier(init[0], init[1]);
        String canonical = v.toLowerCase(java.util.Locale.ROOT).replace("_", "");
        if (!canonical.equals(init[1].replace("_", ""))) {
          throw new SpecException(kind + ": " + init[0] + "=" + v + " is not supported; only "
              + init[1] + " (the Keras default).");
        }
      }
      c.ignore("recurrent_regularizer", "recurrent_constraint", "implementation");
      c.finish();
      return r;
    };
  }
}
