/**
 * Spark-side training: rows become cached float blocks per partition once ({@link
 * dev.sparkdl.distributed.TrainingBlocks}); each round broadcasts the weights and the optimizer
 * state, every partition trains its next K minibatches with its own {@link
 * dev.sparkdl.engine.Network}, and the driver averages weights and optimizer state weighted by
 * the samples each partition processed ({@link dev.sparkdl.distributed.DistributedTrainer}).
 * Scoring groups rows into batches inside {@code mapPartitions} ({@link
 * dev.sparkdl.distributed.BatchScorer}). No layer is built here: that is the engine's job.
 */
package dev.sparkdl.distributed;
