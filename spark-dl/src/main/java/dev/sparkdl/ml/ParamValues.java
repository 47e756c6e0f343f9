package dev.sparkdl.ml;

import dev.sparkdl.spec.Loss;
import dev.sparkdl.spec.Optimizer;
import java.util.Locale;

/** How specs are stored in string params: a bare name when defaults suffice, else Keras JSON. */
final class ParamValues {
  private ParamValues() {}

  static String of(Loss loss) {
    return loss.isDefault() ? loss.name() : loss.toJson();
  }

  static String of(Optimizer o) {
    String name = o.className().toLowerCase(Locale.ROOT);
    return o.equals(Optimizer.named(name)) ? name : o.toJson();
  }

  /**
   * Checks a value against its param's validator, failing with the param's name, the value,
   * the valid range (from the param's description) and the setter, instead of Spark's "parameter
   * X given invalid value" alone.
   *
   * @return the value
   */
  static <V> V checked(org.apache.spark.ml.param.Param<V> param, V value, String setter) {
    if (!Boolean.TRUE.equals(param.isValid().apply(value))) {
      throw new IllegalArgumentException(invalid(param.name(), param.doc(), value, setter));
    }
    return value;
  }

  private static final java.util.regex.Pattern RANGE = java.util.regex.Pattern.compile(
      "(>= ?-?[0-9.]+|> ?-?[0-9.]+|in [\\[(][^\\])]*[\\])])");

  /** @return the message of an out-of-range value: what, expected, received, how to fix */
  static String invalid(String name, String doc, Object value, String setter) {
    java.util.regex.Matcher m = RANGE.matcher(doc);
    String expected = m.find() ? m.group(1) : "as described: " + doc;
    return name + " given invalid value " + value + ": expected " + expected + " (" + name
        + ": " + doc + "). Set a valid value with " + setter + "(...).";
  }
}
