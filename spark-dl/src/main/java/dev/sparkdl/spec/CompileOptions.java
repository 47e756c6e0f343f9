package dev.sparkdl.spec;

import java.util.Arrays;
import java.util.List;

/**
 * What Keras' {@code model.compile(loss=..., optimizer=..., metrics=[...])} takes.
 *
 * @param loss the loss
 * @param optimizer the optimizer with its arguments
 * @param metrics metric names (canonical, no duplicates)
 */
public record CompileOptions(Loss loss, Optimizer optimizer, List<String> metrics) {

  /** Validates and canonicalises. */
  public CompileOptions {
    if (loss == null) {
      throw new SpecException("compile: a loss is required, e.g. categorical_crossentropy.");
    }
    if (optimizer == null) {
      throw new SpecException("compile: an optimizer is required, e.g. adam.");
    }
    metrics = Metrics.check(metrics == null ? List.of() : metrics);
  }

  /**
   * @param loss a loss name
   * @param optimizer an optimizer name (Keras defaults)
   * @param metrics metric names
   * @return the compile options
   */
  public static CompileOptions of(String loss, String optimizer, String... metrics) {
    return new CompileOptions(Loss.of(loss), Optimizer.named(optimizer), Arrays.asList(metrics));
  }

  /** @return {@code {"loss": ..., "optimizer": {...}, "metrics": [...]}} */
  public String toJson() {
    return SpecJson.compileToJson(this);
  }

  /** Reads the JSON form written by {@link #toJson()} (Keras' compile_config keys). */
  public static CompileOptions fromJson(String json) {
    return SpecJson.compileFromJson(json);
  }
}
