package dev.sparkdl.engine;

/**
 * What the engine knows of one parameter array: its place in Keras' {@code get_weights()}, its
 * Keras and DJL shapes and how it is initialised.
 *
 * @param name unique name, {@code "<layer index>_<layer>/<keras name>"}, e.g. {@code 0_dense/kernel}
 * @param kerasShape the shape in Keras' layout
 * @param djlShape the shape in DJL's layout
 * @param transposed true if DJL stores the transpose of Keras' 2-D array (Dense kernels)
 * @param initializer an initializer name of {@link dev.sparkdl.spec.Initializers}
 * @param trainable false for running statistics, which are set by the forward pass
 */
record ParamInfo(
    String name,
    int[] kerasShape,
    long[] djlShape,
    boolean transposed,
    String initializer,
    boolean trainable) {}
