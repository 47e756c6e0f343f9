package dev.sparkdl.ml;

import dev.sparkdl.spec.Loss;
import dev.sparkdl.spec.Optimizer;
import java.util.Locale;

/** How specs are stored in string params: a bare name when defaults suffice, else Keras JSON. */
final class ParamValues {
  private ParamValues() {}

  static String of(Loss loss) {
    return "huber".equals(loss.name()) && loss.delta() != 1.0 ? loss.toJson() : loss.name();
  }

  static String of(Optimizer o) {
    String name = o.className().toLowerCase(Locale.ROOT);
    return o.equals(Optimizer.named(name)) ? name : o.toJson();
  }
}
