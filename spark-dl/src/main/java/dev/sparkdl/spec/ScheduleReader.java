package dev.sparkdl.spec;

import dev.sparkdl.spec.LearningRateSchedule.CosineDecay;
import dev.sparkdl.spec.LearningRateSchedule.CosineDecayRestarts;
import dev.sparkdl.spec.LearningRateSchedule.ExponentialDecay;
import dev.sparkdl.spec.LearningRateSchedule.InverseTimeDecay;
import dev.sparkdl.spec.LearningRateSchedule.PiecewiseConstantDecay;
import dev.sparkdl.spec.LearningRateSchedule.PolynomialDecay;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads Keras' serialized learning-rate schedules, with {@link Config}'s checks. */
final class ScheduleReader {
  private static final Set<String> TOP_KEYS =
      Set.of("module", "class_name", "config", "registered_name");

  private ScheduleReader() {}

  static LearningRateSchedule read(Map<String, ?> m) {
    if (m == null || !(m.get("class_name") instanceof String cls)) {
      throw new SpecException(
          "A learning-rate schedule must be {\"class_name\": \"ExponentialDecay\", \"config\":"
              + " {...}}. Received: " + m);
    }
    for (String k : m.keySet()) {
      if (!TOP_KEYS.contains(k)) {
        throw new SpecException(
            cls + ": unsupported key `" + k + "` beside the schedule's class_name and config."
                + " Supported: " + TOP_KEYS + ".");
      }
    }
    Object module = m.get("module");
    if (module != null && !(module instanceof String s && s.startsWith("keras"))) {
      throw new SpecException(
          "Received an invalid value for `module` of " + cls + ", expected "
              + LearningRateSchedule.MODULE + " (only Keras' built-in schedules are supported)."
              + " Received: module=" + module);
    }
    Object registered = m.get("registered_name");
    if (registered != null && !registered.equals(cls)) {
      throw new SpecException(
          cls + ": registered_name=" + registered + " names a custom schedule; only Keras'"
              + " built-in schedules are supported: " + String.join(", ",
              LearningRateSchedule.CLASS_NAMES) + ".");
    }
    Object cfg = m.get("config");
    if (cfg != null && !(cfg instanceof Map)) {
      throw new SpecException(cls + ": `config` must be a JSON object. Received: " + cfg);
    }
    @SuppressWarnings("unchecked")
    Config c = new Config(cls, (Map<String, ?>) cfg);
    LearningRateSchedule s = switch (cls) {
      case "ExponentialDecay" -> new ExponentialDecay(c.requiredDouble("initial_learning_rate"),
          c.requiredInt("decay_steps"), c.requiredDouble("decay_rate"),
          c.optBoolean("staircase", false));
      case "PiecewiseConstantDecay" ->
          new PiecewiseConstantDecay(boundaries(c), values(c));
      case "InverseTimeDecay" -> new InverseTimeDecay(c.requiredDouble("initial_learning_rate"),
          c.requiredInt("decay_steps"), c.requiredDouble("decay_rate"),
          c.optBoolean("staircase", false));
      case "PolynomialDecay" -> new PolynomialDecay(c.requiredDouble("initial_learning_rate"),
          c.requiredInt("decay_steps"), c.optDouble("end_learning_rate", 0.0001),
          c.optDouble("power", 1.0), c.optBoolean("cycle", false));
      case "CosineDecay" -> new CosineDecay(c.requiredDouble("initial_learning_rate"),
          c.requiredInt("decay_steps"), c.optDouble("alpha", 0.0), warmupTarget(c),
          c.optInt("warmup_steps", 0));
      case "CosineDecayRestarts" -> new CosineDecayRestarts(
          c.requiredDouble("initial_learning_rate"), c.requiredInt("first_decay_steps"),
          c.optDouble("t_mul", 2.0), c.optDouble("m_mul", 1.0), c.optDouble("alpha", 0.0));
      default -> throw new SpecException(
          "Unknown learning-rate schedule class_name '" + cls + "'. Known schedules: "
              + String.join(", ", LearningRateSchedule.CLASS_NAMES) + ".");
    };
    c.finish();
    return s;
  }

  private static Double warmupTarget(Config c) {
    return c.has("warmup_target") && c.optRaw("warmup_target") != null
        ? Double.valueOf(c.optDouble("warmup_target", 0)) : null;
  }

  private static List<Long> boundaries(Config c) {
    List<Long> out = new ArrayList<>();
    for (Number n : numbers(c, "boundaries", "a list of integer steps")) {
      if (n.doubleValue() != Math.rint(n.doubleValue())) {
        throw invalid(c, "boundaries", "a list of integer steps", c.optRaw("boundaries"));
      }
      out.add(n.longValue());
    }
    return out;
  }

  private static List<Double> values(Config c) {
    List<Double> out = new ArrayList<>();
    for (Number n : numbers(c, "values", "a list of learning rates")) {
      out.add(n.doubleValue());
    }
    return out;
  }

  private static List<Number> numbers(Config c, String key, String expected) {
    Object v = c.optRaw(key);
    if (v == null) {
      throw new SpecException(c.owner() + ": the config lacks `" + key + "` (" + expected + ").");
    }
    if (!(v instanceof List<?> list)) {
      throw invalid(c, key, expected, v);
    }
    List<Number> out = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof Number n)) {
        throw invalid(c, key, expected, v);
      }
      out.add(n);
    }
    return out;
  }

  private static SpecException invalid(Config c, String key, String expected, Object v) {
    return new SpecException(
        "Received an invalid value for `" + key + "` of " + c.owner() + ", expected " + expected
            + ". Received: " + key + "=" + v);
  }
}
