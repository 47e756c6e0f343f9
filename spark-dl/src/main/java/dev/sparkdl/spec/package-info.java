/**
 * The language users speak: immutable layer specs, {@link dev.sparkdl.spec.Sequential} and the
 * compile options (loss, optimizer, metrics), with Keras-compatible JSON
 * ({@code {"class_name": ..., "config": {...}}}, Keras argument names).
 *
 * <p>Nothing here imports DJL or Spark. Every spec validates in its constructor and round-trips
 * through JSON unchanged: {@code fromJson(x.toJson()).equals(x)}.
 */
package dev.sparkdl.spec;
