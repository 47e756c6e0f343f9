/**
 * The numerics, on Deep Java Library with the PyTorch engine and no Spark import: a {@link
 * dev.sparkdl.spec.Sequential} spec becomes a DJL block in one place ({@link
 * dev.sparkdl.engine.NetworkBuilder}); a {@link dev.sparkdl.engine.Network} trains on float
 * minibatches, predicts, and exports its state as plain arrays ({@link
 * dev.sparkdl.engine.WeightSnapshot}, {@link dev.sparkdl.engine.OptimizerState}) that cross the
 * wire without any DJL object.
 *
 * <p>Training does not use DJL's {@code Trainer}/{@code GradientCollector}: the PyTorch collector
 * has a JVM-wide "collecting" flag, so two Spark tasks in one executor could not train at once.
 * A step here switches PyTorch's grad mode per thread, runs backward on the loss and applies the
 * optimizer with NDArray operations, which is safe from any number of threads, each with its own
 * {@code Network}.
 */
package dev.sparkdl.engine;
