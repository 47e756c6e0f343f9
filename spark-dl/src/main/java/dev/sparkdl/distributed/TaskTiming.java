package dev.sparkdl.distributed;

import java.io.Serializable;

/**
 * Where one task's time went.
 *
 * @param partition the partition
 * @param setupSeconds building the network and loading weights and optimizer state
 * @param trainSeconds the minibatch steps
 * @param exportSeconds reading weights and state back and scaling them
 * @param startMillis wall-clock start (epoch millis)
 * @param endMillis wall-clock end
 * @param thread the executor thread's name
 * @param pid the executor JVM's process id
 */
public record TaskTiming(
    int partition,
    double setupSeconds,
    double trainSeconds,
    double exportSeconds,
    long startMillis,
    long endMillis,
    String thread,
    long pid)
    implements Serializable {

  /** @return true if the two tasks ran at the same time, at least in part */
  public boolean overlaps(TaskTiming o) {
    return startMillis < o.endMillis && o.startMillis < endMillis;
  }
}
