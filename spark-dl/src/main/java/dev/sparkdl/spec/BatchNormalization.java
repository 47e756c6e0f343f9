package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Batch normalisation over the last axis, as Keras' {@code BatchNormalization}: in training it
 * normalises with the batch statistics and updates {@code moving = moving * momentum + batch * (1 -
 * momentum)}; at inference it uses the moving mean and variance. Learns {@code gamma} (scale) and
 * {@code beta} (offset).
 *
 * @param momentum the moving-average momentum in [0, 1), Keras' default 0.99
 * @param epsilon added to the variance, &gt; 0, Keras' default 0.001
 */
public record BatchNormalization(double momentum, double epsilon) implements LayerSpec {

  /** Validates the arguments. */
  public BatchNormalization {
    if (!(momentum >= 0 && momentum < 1)) {
      throw new SpecException(
          "Received an invalid value for `momentum` of BatchNormalization, expected a float in"
              + " [0, 1). Received: momentum=" + momentum);
    }
    if (!(epsilon > 0)) {
      throw new SpecException(
          "Received an invalid value for `epsilon` of BatchNormalization, expected a positive"
              + " float. Received: epsilon=" + epsilon);
    }
  }

  /** @return batch normalisation with Keras' defaults (momentum 0.99, epsilon 0.001) */
  public static BatchNormalization defaults() {
    return new BatchNormalization(0.99, 0.001);
  }

  /** @return a copy with another momentum */
  public BatchNormalization momentum(double momentum) {
    return new BatchNormalization(momentum, epsilon);
  }

  /** @return a copy with another epsilon */
  public BatchNormalization epsilon(double epsilon) {
    return new BatchNormalization(momentum, epsilon);
  }

  @Override
  public String className() {
    return "BatchNormalization";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("momentum", momentum);
    c.put("epsilon", epsilon);
    return c;
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    return input;
  }

  @Override
  public long paramCount(List<Integer> input) {
    return 4L * input.get(input.size() - 1);
  }

  @Override
  public long nonTrainableCount(List<Integer> input) {
    return 2L * input.get(input.size() - 1);
  }

  static BatchNormalization read(Config c) {
    BatchNormalization b =
        new BatchNormalization(c.optDouble("momentum", 0.99), c.optDouble("epsilon", 0.001));
    // the channels-last axis: Keras 3 writes -1, Keras 2 the axis index ([1] after Dense)
    Object axis = c.optRaw("axis");
    if (axis instanceof java.util.List<?> l && l.size() == 1) {
      axis = l.get(0);
    }
    if (axis != null && !(axis instanceof Number n && (n.intValue() == -1 || n.intValue() >= 1))) {
      throw new SpecException("BatchNormalization: axis=" + axis + " is not supported; it"
          + " normalises the last (channels) axis.");
    }
    if (!c.optBoolean("center", true) || !c.optBoolean("scale", true)) {
      throw new SpecException(
          "BatchNormalization: center=false or scale=false is not supported; remove them.");
    }
    c.only("mode", 0); // Keras 1: feature-wise normalisation
    for (String init :
        List.of("beta_initializer", "gamma_initializer", "moving_mean_initializer",
            "moving_variance_initializer", "beta_init", "gamma_init")) {
      String v = Initializers.read(c, init, null);
      String expected = init.startsWith("gamma") || init.startsWith("moving_variance") ? "ones" : "zeros";
      if (v != null && !v.equals(expected)) {
        throw new SpecException(
            "BatchNormalization: `" + init + "`=" + v + " is not supported; only " + expected + ".");
      }
    }
    // Keras 3.14+ writes renorm_clipping and renorm_momentum even with renorm=false
    if (Boolean.TRUE.equals(c.optRaw("renorm"))) {
      throw new SpecException("BatchNormalization: renorm=true is not supported; only"
          + " renorm=false (the Keras default).");
    }
    c.ignore("renorm_clipping", "renorm_momentum");
    Keras1.offKeys(c);
    c.finish();
    return b;
  }
}
