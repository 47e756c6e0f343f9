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

  /** @return the round's time outside minibatch training (set-up, transfer, averaging) */
  public double overheadSeconds() {
    return broadcastSeconds + roundSeconds + averageSeconds - maxTrainSeconds();
  }

  /** @return the overhead's share of the round, 0..1 */
  public double overheadFraction() {
    double total = broadcastSeconds + roundSeconds + averageSeconds;
    return total <= 0 ? 0 : overheadSeconds() / total;
  }
}
