package dev.sparkdl.callbacks;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Keras' progress output. On a terminal, a bar that moves with each averaging round ({@code
 * Epoch 3/10 [=======>......] 2/4 - ETA: 3s - loss: 0.1234}), replaced by the epoch's line when
 * it ends; elsewhere (a log file, CI, a Spark driver's stdout) only the epoch's line, plain text
 * without carriage returns: {@code Epoch 3/10 - 4.1s - loss: 0.1234 - accuracy: 0.9612 -
 * val_loss: ... - val_accuracy: ...}.
 */
public final class ProgressLogger implements Callback {
  private static final int WIDTH = 30;
  private final PrintStream out;
  private final boolean bar;
  private int epochs;
  private long epochStart;
  private boolean barShown;

  /**
   * @param out where to print, e.g. {@code System.out}; the bar is drawn only when it is {@code
   *     System.out} on an interactive terminal
   */
  public ProgressLogger(PrintStream out) {
    this(out, out == System.out && System.console() != null);
  }

  /**
   * @param out where to print
   * @param bar true to draw a progress bar (carriage returns) within each epoch
   */
  public ProgressLogger(PrintStream out, boolean bar) {
    this.out = out;
    this.bar = bar;
  }

  @Override
  public void onTrainBegin(TrainingContext context) {
    epochs = context.epochs();
  }

  @Override
  public void onEpochBegin(int epoch, TrainingContext context) {
    epochStart = System.nanoTime();
  }

  @Override
  public void onRoundEnd(int epoch, int round, Map<String, Double> stats,
      TrainingContext context) {
    if (!bar) {
      return;
    }
    int total = Math.max(round + 1, stats.getOrDefault("rounds_per_epoch", 0.0).intValue());
    double elapsed = (System.nanoTime() - epochStart) / 1e9;
    double eta = elapsed / (round + 1) * Math.max(0, total - round - 1);
    out.print("\r" + barLine(epoch, epochs, round + 1, total, eta, stats.get("loss")));
    out.flush();
    barShown = true;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs, double seconds,
      TrainingContext context) {
    if (barShown) {
      out.print("\r\033[2K");
      barShown = false;
    }
    out.println(line(epoch, epochs, logs, seconds));
    out.flush();
  }

  /** @return the bar drawn within an epoch */
  static String barLine(int epoch, int epochs, int done, int total, double eta, Double loss) {
    int filled = (int) Math.round(WIDTH * (double) done / total);
    StringBuilder s = new StringBuilder("Epoch ").append(epoch).append('/').append(epochs)
        .append(" [");
    for (int i = 0; i < WIDTH; i++) {
      s.append(i < filled - 1 ? '=' : i == filled - 1 ? (done == total ? '=' : '>') : '.');
    }
    s.append("] ").append(done).append('/').append(total)
        .append(String.format(Locale.ROOT, " - ETA: %.0fs", eta));
    if (loss != null) {
      s.append(String.format(Locale.ROOT, " - loss: %.4f", loss));
    }
    return s.toString();
  }

  /** @return the progress line for one epoch */
  public static String line(int epoch, int epochs, Map<String, Double> logs, double seconds) {
    StringBuilder s = new StringBuilder();
    s.append("Epoch ").append(epoch).append('/').append(epochs)
        .append(String.format(Locale.ROOT, " - %.1fs", seconds));
    logs.forEach((k, v) -> s.append(" - ").append(k).append(String.format(Locale.ROOT,
        k.equals("learning_rate") ? ": %.4g" : ": %.4f", v)));
    return s.toString();
  }
}
