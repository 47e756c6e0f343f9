package dev.sparkdl.distributed;

import java.io.Serializable;
import java.util.List;

/**
 * Where one averaging round's time went, as seen by the driver.
 *
 * @param epoch the epoch, from 1
 * @param round the round within the epoch, from 0
 * @param samples samples trained on, all partitions
 * @param broadcastSeconds creating the broadcast of weights and optimizer state
 * @param roundSeconds the round's Spark job, wall time on the driver
 * @param averageSeconds dividing the sums into the new weights and state
 * @param tasks each task's timing
 */
public record RoundStats(
    int epoch,
    int round,
    long samples,
    double broadcastSeconds,
    double roundSeconds,
    double averageSeconds,
    List<TaskTiming> tasks)
    implements Serializable {

  /** @return the slowest task's minibatch time: the part of the round that is training */
  public double maxTrainSeconds() {
    return tasks.stream().mapToDouble(TaskTiming::trainSeconds).max().orElse(0);
  }

  /** @return the slowest task's set-up: building the network, loading weights and state */
  public double maxSetupSeconds() {
    return tasks.stream().mapToDouble(TaskTiming::setupSeconds).max().orElse(0);
  }

  /**
   * @return the round's job time not spent inside the slowest task (scheduling, result transfer,
   *     tree aggregation)
   */
  public double aggregateSeconds() {
    double slowest = tasks.stream()
        .mapToDouble(t -> t.setupSeconds() + t.trainSeconds() + t.exportSeconds()).max().orElse(0);
    return Math.max(0, roundSeconds - slowest);
  }

  /** @return the round's time outside minibatch training (set-up, transfer, averaging) */
  public double overheadSeconds() {
    return broadcastSeconds + roundSeconds + averageSeconds - maxTrainSeconds();
  }

  /** @return one line saying where the round's time went */
  public String describe() {
    return String.format(java.util.Locale.ROOT,
        "Round %d.%d - %.2fs: %d samples, broadcast %.3fs, task set-up %.3fs, partition training"
            + " %.3fs, aggregation %.3fs, averaging %.3fs (overhead %.1f%%)",
        epoch, round + 1, broadcastSeconds + roundSeconds + averageSeconds, samples,
        broadcastSeconds, maxSetupSeconds(), maxTrainSeconds(), aggregateSeconds(), averageSeconds,
        100 * overheadFraction());
  }

  /** @return the overhead's share of the round, 0..1 */
  public double overheadFraction() {
    double total = broadcastSeconds + roundSeconds + averageSeconds;
    return total <= 0 ? 0 : overheadSeconds() / total;
  }
}
