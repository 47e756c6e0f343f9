/**
 * Driver-side training hooks, Keras style: every hook has a no-op default, state is reset in
 * {@code onTrainBegin}, and a callback stops training through {@link
 * dev.sparkdl.callbacks.TrainingContext#stop()}, not by throwing. Nothing here knows Spark.
 */
package dev.sparkdl.callbacks;
