package dev.sparkdl.engine;

/**
 * One array of a layer's Keras {@code get_weights()}.
 *
 * @param name Keras' weight name (kernel, bias, recurrent_kernel, gamma, ...)
 * @param shape Keras' shape
 * @param initializer how it starts: an {@link dev.sparkdl.spec.Initializers} name, or {@code
 *     orthogonal}, or {@code unit_forget_bias} (zeros with LSTM's forget-gate block at 1)
 */
record KerasWeight(String name, int[] shape, String initializer) {}
