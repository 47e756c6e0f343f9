package dev.sparkdl.ml;

import dev.sparkdl.callbacks.History;
import dev.sparkdl.engine.Network;
import dev.sparkdl.engine.Tensor;
import dev.sparkdl.engine.WeightSnapshot;
import dev.sparkdl.spec.CompileOptions;
import dev.sparkdl.spec.Sequential;
import java.util.List;

/** What both fitted models offer besides Spark's Model API: the learned state and its views. */
public interface NeuralNetModel extends NeuralNetParams {

  /** @return what was learned: spec, compile options, weights, history, run statistics */
  ModelState state();

  /**
   * @param value rows per prediction call of transform()
   * @return this model
   */
  NeuralNetModel setInferenceBatchSize(int value);

  /** @return per-epoch loss and metrics (train and validation), Keras' {@code History} */
  default History history() {
    return state().history();
  }

  /** @return the trained network, with its input shape */
  default Sequential network() {
    return state().spec();
  }

  /** @return the loss, optimizer and metrics it was trained with */
  default CompileOptions compileOptions() {
    return state().compile();
  }

  /** @return every parameter and running statistic, DJL layout */
  default WeightSnapshot weights() {
    return state().weights();
  }

  /**
   * Draws the training history as a PNG: one panel per metric ({@code loss} first, then each
   * compiled metric, then {@code learning_rate}), train and validation by epoch; {@value
   * dev.sparkdl.plot.HistoryPlot#DEFAULT_WIDTH} pixels wide and {@value
   * dev.sparkdl.plot.HistoryPlot#DEFAULT_ROW_HEIGHT} per row of two panels. See {@link
   * dev.sparkdl.plot.HistoryPlot}.
   *
   * @param path a local path or any Hadoop file system URI (resolved with the active Spark
   *     session's Hadoop configuration, as {@code save} does); an existing file is replaced
   * @throws IllegalStateException if the history is empty
   */
  default void plotHistory(String path) {
    Plots.history(this, path, 0, 0, false);
  }

  /**
   * Draws the training history as a PNG of {@code width × height} pixels (all panels).
   *
   * @param path a local path or any Hadoop file system URI; an existing file is replaced
   * @param width image width in pixels, 150 to 10000
   * @param height image height in pixels, 150 to 10000
   * @throws IllegalStateException if the history is empty
   * @throws IllegalArgumentException if a side is out of range
   */
  default void plotHistory(String path, int width, int height) {
    Plots.history(this, path, width, height, true);
  }

  /** @return the weights in Keras' {@code get_weights()} order and layout */
  default List<Tensor> kerasWeights() {
    try (Network net = Network.create(state().spec(), null, 0)) {
      net.setWeights(state().weights());
      return net.kerasWeights();
    }
  }
  /**
   * Writes the model as ONNX (opset {@value dev.sparkdl.export.OnnxExport#OPSET}): float32
   * input {@code "input"} of shape {@code (batch, ...the network's input shape)}, output {@code
   * "output"}, the network's prediction with its final activation (probabilities for a softmax
   * or sigmoid head), as Keras' {@code model.predict}. See {@link dev.sparkdl.export.OnnxExport}.
   *
   * @param path a local path or any Hadoop file system URI
   * @throws IllegalArgumentException if the file exists, or naming a layer ONNX cannot express
   */
  default void exportOnnx(String path) {
    Exports.onnx(this, path, false);
  }

  /**
   * Writes the model as ONNX, replacing an existing file if {@code overwrite}.
   *
   * @param path a local path or any Hadoop file system URI
   * @param overwrite whether to replace an existing file
   */
  default void exportOnnx(String path, boolean overwrite) {
    Exports.onnx(this, path, overwrite);
  }

  /**
   * Writes the model as a Keras 3 {@code .keras} archive (config.json with compile_config,
   * metadata.json, model.weights.h5) that {@code keras.saving.load_model} reads. See {@link
   * dev.sparkdl.export.KerasExport}.
   *
   * @param path a local path or any Hadoop file system URI, by convention ending in .keras
   * @throws IllegalArgumentException if the file exists
   */
  default void exportKeras(String path) {
    Exports.keras(this, path, false);
  }

  /**
   * Writes the model as a Keras 3 {@code .keras} archive, replacing an existing file if {@code
   * overwrite}.
   *
   * @param path a local path or any Hadoop file system URI
   * @param overwrite whether to replace an existing file
   */
  default void exportKeras(String path, boolean overwrite) {
    Exports.keras(this, path, overwrite);
  }
}
