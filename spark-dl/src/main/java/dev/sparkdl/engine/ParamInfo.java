package dev.sparkdl.engine;

/**
 * One DJL parameter array of the network.
 *
 * @param name unique name, {@code "<layer index>_<layer>/<weight>"}, e.g. {@code 0_dense/kernel}
 * @param djlShape the shape in DJL's layout
 * @param trainable false for running statistics, which are set by the forward pass
 */
record ParamInfo(String name, long[] djlShape, boolean trainable) {}
