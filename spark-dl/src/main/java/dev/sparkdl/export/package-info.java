/**
 * Exports a trained network to other runtimes' formats: ONNX ({@link OnnxExport}, a ModelProto
 * encoded by hand) and Keras 3's {@code .keras} archive ({@link KerasExport}: config.json,
 * metadata.json, model.weights.h5). Uses {@code spec} and the engine's {@code Tensor} (weights in
 * Keras' {@code get_weights()} order and layout); no Spark, no DJL. The {@code ml} layer wraps
 * both for Hadoop paths ({@code NeuralNetModel.exportOnnx}, {@code exportKeras}).
 */
package dev.sparkdl.export;
