package dev.sparkdl.distributed;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * How the partitions' work becomes one model (see docs/distributed-training.md): how often
 * they average, the outer update applied to the averaged change, how the optimizer's learning
 * rate scales with the number of workers, and where BatchNormalization's moving statistics
 * come from. Values of 0 / -1 mean "chosen from the data" and are fixed by {@link #resolve}.
 *
 * @param frequency minibatches each partition trains between two averagings; 0 = auto (about
 *     {@link #AUTO_ROUNDS_PER_EPOCH} rounds per epoch with several workers, one round per epoch
 *     with one)
 * @param outerMomentum Nesterov momentum of the outer update; -1 = auto: for optimizers without
 *     a momentum of their own (Adadelta, Adagrad, plain SGD and RMSprop) {@code min(}{@value
 *     #MOMENTUM_CAP}{@code , 1 - 1/workers)}, 0 for one worker, who trains exactly as on one
 *     machine; for optimizers with one (Adam, AdamW, SGD or RMSprop with momentum) 0, the plain
 *     average; 0 = the plain average
 * @param learningRateScaling the optimizer's learning rate times {@code f(workers)}: none,
 *     sqrt (the square-root rule of adaptive optimizers at larger batches), linear (the
 *     linear-scaling rule of large-batch training), or auto: linear for optimizers with a
 *     momentum of their own, sqrt for the others
 * @param warmupEpochs epochs over which that factor rises linearly from 1 (0: from the start);
 *     -1 = auto: when the rate is scaled linearly, {@value #AUTO_WARMUP_EPOCHS} epochs but at
 *     most {@value #AUTO_WARMUP_STEPS} minibatches per worker up to {@value
 *     #WARMUP_FROM_WORKERS} workers, the full {@value #AUTO_WARMUP_EPOCHS} epochs from twice that
 *     many ({@link #autoWarmupEpochs}); none for the other scalings
 * @param recomputeStatistics recompute BatchNormalization's moving mean and variance for the
 *     averaged weights after each epoch instead of averaging the partitions' own
 */
public record Averaging(
    int frequency,
    double outerMomentum,
    String learningRateScaling,
    double warmupEpochs,
    boolean recomputeStatistics)
    implements Serializable {

  /**
   * Rounds per epoch that the automatic frequency aims at with several workers (with two
   * workers on MNIST 1, 2 and 4 rounds learned alike, but a tiny LSTM on 1 000 rows learned less
   * with 2 than with 4: docs/distributed-training.md).
   */
  public static final int AUTO_ROUNDS_PER_EPOCH = 4;

  /** The automatic outer momentum's cap for optimizers without a momentum of their own. */
  public static final double MOMENTUM_CAP = 0.9;

  /**
   * Warm-up epochs of the automatic warm-up when the learning rate is scaled linearly, from
   * twice {@link #WARMUP_FROM_WORKERS} workers on: the linear-scaling rule diverged without one
   * on Keras' MNIST convnet with 32 workers (docs/distributed-training.md).
   */
  public static final double AUTO_WARMUP_EPOCHS = 2;

  /**
   * Up to this many workers the linearly scaled rate needs only a short warm-up: on Keras'
   * MNIST convnet with 2, 4, 8 and 16 workers training without one learned faster and ended
   * higher than with 2 epochs of it (docs/distributed-training.md), as in large-batch training,
   * where the warm-up serves the largest factors; a short one ({@link #AUTO_WARMUP_STEPS}
   * steps) still protects the first steps of small raw data.
   */
  public static final int WARMUP_FROM_WORKERS = 16;

  /**
   * Minibatch steps per worker that the automatic warm-up lasts at most below {@link
   * #WARMUP_FROM_WORKERS} workers (when 2 epochs are shorter, 2 epochs): a fifth of an epoch of
   * MNIST on two workers, while raw iris with an 8-unit network and Adam, whose first steps at
   * twice the rate killed its ReLU units (67 % on two workers, one worker 97 %), keeps its 2
   * epochs (docs/distributed-training.md).
   */
  public static final int AUTO_WARMUP_STEPS = 50;

  /** The ways to scale the learning rate with the number of workers. */
  public static final List<String> SCALINGS = List.of("auto", "none", "sqrt", "linear");

  /** Validates. */
  public Averaging {
    if (frequency < 0) {
      throw new IllegalArgumentException(
          "averagingFrequency must be >= 0 (0 = chosen from the data); received " + frequency);
    }
    if (!(outerMomentum == -1 || (outerMomentum >= 0 && outerMomentum < 1))) {
      throw new IllegalArgumentException(
          "outerMomentum must be in [0, 1), or -1 for auto; received " + outerMomentum);
    }
    if (!SCALINGS.contains(learningRateScaling)) {
      throw new IllegalArgumentException("learningRateScaling must be one of " + SCALINGS
          + "; received '" + learningRateScaling + "'");
    }
    if (!(warmupEpochs == -1 || warmupEpochs >= 0) || Double.isInfinite(warmupEpochs)) {
      throw new IllegalArgumentException(
          "warmupEpochs must be a finite number >= 0, or -1 for auto; received " + warmupEpochs);
    }
  }

  /**
   * @return the plain sample-weighted average once per epoch with the partitions' statistics
   *     averaged too: spark-dl's first strategy, kept for comparison
   */
  public static Averaging plain() {
    return new Averaging(Integer.MAX_VALUE, 0, "none", 0, false);
  }

  /**
   * Fixes the automatic choices for a fit.
   *
   * @param workers the number of partitions with training rows
   * @param maxBatchesPerWorker the most minibatches a partition trains per epoch
   * @param innerMomentum whether the optimizer keeps a momentum of its own
   * @return the strategy in numbers
   */
  public Resolved resolve(int workers, int maxBatchesPerWorker, boolean innerMomentum) {
    int k;
    if (frequency > 0) {
      k = frequency;
    } else if (workers == 1) {
      k = maxBatchesPerWorker;
    } else {
      k = Math.max(1, (maxBatchesPerWorker + AUTO_ROUNDS_PER_EPOCH - 1) / AUTO_ROUNDS_PER_EPOCH);
    }
    k = Math.max(1, Math.min(k, Math.max(1, maxBatchesPerWorker)));
    double beta = outerMomentum >= 0 ? outerMomentum
        : innerMomentum ? 0 : Math.min(MOMENTUM_CAP, 1 - 1.0 / workers);
    String scaling = !"auto".equals(learningRateScaling) ? learningRateScaling
        : innerMomentum ? "linear" : "sqrt";
    double scale = switch (scaling) {
      case "sqrt" -> Math.sqrt(workers);
      case "linear" -> workers;
      default -> 1;
    };
    double warmup = warmupEpochs >= 0 ? warmupEpochs
        : "linear".equals(scaling) ? autoWarmupEpochs(workers, maxBatchesPerWorker) : 0;
    return new Resolved(k, (maxBatchesPerWorker + k - 1) / Math.max(1, k), beta, scale,
        warmup, recomputeStatistics);
  }

  /**
   * The automatic warm-up of the linearly scaled learning rate: {@link #AUTO_WARMUP_EPOCHS}
   * epochs but at most {@link #AUTO_WARMUP_STEPS} steps up to {@link #WARMUP_FROM_WORKERS}
   * workers; the full {@link #AUTO_WARMUP_EPOCHS} epochs from twice as many; in between rising
   * with log2 of the workers.
   *
   * @param workers the number of partitions with training rows
   * @param stepsPerEpoch the most minibatches a worker trains per epoch
   * @return warm-up epochs
   */
  public static double autoWarmupEpochs(int workers, int stepsPerEpoch) {
    if (workers <= 1) {
      return 0;
    }
    double full = AUTO_WARMUP_EPOCHS;
    double capped = Math.min(full, AUTO_WARMUP_STEPS / (double) Math.max(1, stepsPerEpoch));
    if (workers <= WARMUP_FROM_WORKERS) {
      return capped;
    }
    double doublings = Math.min(1, Math.log((double) workers / WARMUP_FROM_WORKERS) / Math.log(2));
    return capped + (full - capped) * doublings;
  }

  /**
   * A strategy in numbers.
   *
   * @param frequency minibatches per partition per round
   * @param roundsPerEpoch rounds in an epoch
   * @param outerMomentum Nesterov momentum of the outer update (0: plain average)
   * @param learningRateFactor the learning-rate multiplier after warm-up
   * @param warmupEpochs epochs of linear warm-up towards it
   * @param recomputeStatistics recompute BatchNormalization's statistics each epoch
   */
  public record Resolved(int frequency, int roundsPerEpoch, double outerMomentum,
      double learningRateFactor, double warmupEpochs, boolean recomputeStatistics)
      implements Serializable {

    /**
     * @param progress epochs done so far, fractional, counted from the first epoch of the
     *     training history (a warm start continues the warm-up where it stopped)
     * @return the learning-rate multiplier at that point
     */
    double learningRateFactor(double progress) {
      if (learningRateFactor == 1 || warmupEpochs <= 0 || progress >= warmupEpochs) {
        return learningRateFactor;
      }
      return 1 + (learningRateFactor - 1) * progress / warmupEpochs;
    }

    /** @return e.g. "averaging every 4 minibatches (8 rounds per epoch), outer momentum 0.9" */
    public String describe() {
      StringBuilder s = new StringBuilder();
      s.append(roundsPerEpoch == 1 ? "averaging once per epoch"
          : String.format(Locale.ROOT, "averaging every %d minibatches (%d rounds per epoch)",
              frequency, roundsPerEpoch));
      if (outerMomentum > 0) {
        s.append(String.format(Locale.ROOT, ", outer momentum %.3g", outerMomentum));
      }
      if (learningRateFactor != 1) {
        s.append(String.format(Locale.ROOT, ", learning rate x%.3g", learningRateFactor));
        if (warmupEpochs > 0) {
          s.append(String.format(Locale.ROOT, " after %.3g warm-up epochs", warmupEpochs));
        }
      }
      if (recomputeStatistics) {
        s.append(", BatchNormalization statistics recomputed");
      }
      return s.toString();
    }
  }
}
