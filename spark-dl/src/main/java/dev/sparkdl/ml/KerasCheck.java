package dev.sparkdl.ml;

import dev.sparkdl.engine.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * Checks spark-dl's numerics against Keras: loads a Keras file, feeds the inputs Keras recorded
 * (a {@code *_inputs_and_outputs.h5} with {@code inputs/} and {@code outputs/} datasets) and
 * compares with the outputs Keras computed, in inference mode.
 */
public final class KerasCheck {
  /** The tolerance of a match: the largest absolute difference allowed. */
  public static final double TOLERANCE = 1e-5;

  private KerasCheck() {}

  /** How a file fared. */
  public enum Status {
    /** Loaded, and every output within {@link #TOLERANCE} of Keras'. */
    MATCHED,
    /** Loaded, but some output differs by more than {@link #TOLERANCE}. */
    MISMATCHED,
    /** Not loaded: the architecture, weights or recorded data were refused. */
    REFUSED
  }

  /**
   * @param status the outcome
   * @param maxAbsDiff the largest absolute difference (NaN when refused)
   * @param reason why it was refused or mismatched, or null
   */
  public record Result(Status status, double maxAbsDiff, String reason) {}

  /**
   * @param imported a loaded Keras model
   * @param inputsAndOutputs the recorded {@code *_inputs_and_outputs.h5}
   * @return the comparison
   */
  public static Result compare(KerasModels.Imported imported, String inputsAndOutputs) {
    Map<String, Tensor> in = KerasModels.datasets(inputsAndOutputs, "inputs");
    Map<String, Tensor> out = KerasModels.datasets(inputsAndOutputs, "outputs");
    if (in.size() != 1 || out.size() != 1) {
      return new Result(Status.REFUSED, Double.NaN, "recorded data has " + in.size()
          + " inputs and " + out.size() + " outputs; a Sequential model has one of each");
    }
    Tensor x = in.values().iterator().next();
    Tensor y = out.values().iterator().next();
    int samples = x.shape()[0];
    float[] predicted;
    try {
      predicted = imported.predict(x.values(), samples);
    } catch (RuntimeException e) {
      return new Result(Status.REFUSED, Double.NaN, "prediction failed: " + e.getMessage());
    }
    float[] expected = y.values();
    if (predicted.length != expected.length) {
      return new Result(Status.MISMATCHED, Double.NaN, "output shape: spark-dl gives "
          + predicted.length / samples + " values per sample, Keras "
          + Arrays.toString(Arrays.copyOfRange(y.shape(), 1, y.shape().length)));
    }
    double max = 0;
    for (int i = 0; i < expected.length; i++) {
      max = Math.max(max, Math.abs(predicted[i] - expected[i]));
    }
    boolean ok = max <= TOLERANCE;
    return new Result(ok ? Status.MATCHED : Status.MISMATCHED, max,
        ok ? null : "max abs diff " + max + " > " + TOLERANCE);
  }

  /**
   * Loads a whole-model file and compares it with the recorded outputs; a file the reader
   * refuses is reported, not thrown.
   *
   * @param model a Keras whole-model {@code .h5} or {@code .keras}
   * @param inputsAndOutputs the recorded inputs and outputs
   * @return the comparison
   */
  public static Result check(String model, String inputsAndOutputs) {
    KerasModels.Imported imported;
    try {
      imported = KerasModels.read(model);
    } catch (RuntimeException e) {
      return new Result(Status.REFUSED, Double.NaN, e.getMessage());
    }
    return compare(imported, inputsAndOutputs);
  }
}
