package dev.sparkdl.callbacks;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Prints one Keras-like line per epoch, plain text (no carriage returns, fit for CI logs):
 * {@code Epoch 3/10 - 4.1s - loss: 0.1234 - accuracy: 0.9612 - val_loss: ... - val_accuracy: ...}.
 */
public final class ProgressLogger implements Callback {
  private final PrintStream out;
  private int epochs;

  /** @param out where to print, e.g. {@code System.out} */
  public ProgressLogger(PrintStream out) {
    this.out = out;
  }

  @Override
  public void onTrainBegin(TrainingContext context) {
    epochs = context.epochs();
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs, double seconds,
      TrainingContext context) {
    out.println(line(epoch, epochs, logs, seconds));
    out.flush();
  }

  /** @return the progress line for one epoch */
  public static String line(int epoch, int epochs, Map<String, Double> logs, double seconds) {
    StringBuilder s = new StringBuilder();
    s.append("Epoch ").append(epoch).append('/').append(epochs)
        .append(String.format(Locale.ROOT, " - %.1fs", seconds));
    logs.forEach((k, v) -> s.append(" - ").append(k).append(String.format(Locale.ROOT, ": %.4f", v)));
    return s.toString();
  }
}
