package dev.sparkdl.distributed;

import dev.sparkdl.engine.BatchStats;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** Sums of {@link RoundResult}s: what the tree aggregation carries up to the driver. */
final class RoundAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;
  long samples;
  BatchStats stats;
  float[][] weights;
  float[][] slots;
  long iterations;
  final List<TaskTiming> timings = new ArrayList<>();

  RoundAccumulator add(RoundResult r) {
    timings.add(r.timing());
    stats = stats == null ? r.stats() : stats.merge(r.stats());
    if (r.samples() == 0) {
      return this;
    }
    samples += r.samples();
    iterations = Math.max(iterations, r.iterations());
    weights = sum(weights, r.weightedWeights());
    slots = sum(slots, r.weightedSlots());
    return this;
  }

  RoundAccumulator merge(RoundAccumulator o) {
    timings.addAll(o.timings);
    if (o.stats != null) {
      stats = stats == null ? o.stats : stats.merge(o.stats);
    }
    if (o.samples == 0) {
      return this;
    }
    samples += o.samples;
    iterations = Math.max(iterations, o.iterations);
    weights = sum(weights, o.weights);
    slots = sum(slots, o.slots);
    return this;
  }

  /** Adds b into a (a is reused; null means zero). */
  private static float[][] sum(float[][] a, float[][] b) {
    if (a == null) {
      return b;
    }
    for (int i = 0; i < a.length; i++) {
      float[] x = a[i];
      float[] y = b[i];
      for (int j = 0; j < x.length; j++) {
        x[j] += y[j];
      }
    }
    return a;
  }

  /** Divides the sums by the sample count in place: the sample-weighted averages. */
  static float[][] divide(float[][] sums, long samples) {
    float inv = 1f / samples;
    for (float[] a : sums) {
      for (int j = 0; j < a.length; j++) {
        a[j] *= inv;
      }
    }
    return sums;
  }
}
