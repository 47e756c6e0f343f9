package dev.sparkdl.distributed;

import dev.sparkdl.engine.BatchStats;
import java.io.Serializable;

/**
 * One partition's contribution to a round: its weights and optimizer slots already multiplied by
 * the samples it trained on (so the driver only adds and divides), the loss and metric sums, and
 * where its time went.
 *
 * @param partition partition index
 * @param samples samples trained on this round (0: nothing to contribute)
 * @param stats training loss and metric sums
 * @param weightedWeights weights × samples (null when samples is 0)
 * @param weightedSlots optimizer slots × samples (null when samples is 0)
 * @param iterations the optimizer's step count after the round
 * @param timing where the task's time went
 */
record RoundResult(
    int partition,
    long samples,
    BatchStats stats,
    float[][] weightedWeights,
    float[][] weightedSlots,
    long iterations,
    TaskTiming timing)
    implements Serializable {}
