package dev.sparkdl.spec;

import java.util.List;
import java.util.Map;

/**
 * One layer of a {@link Sequential} network, as Keras describes it: a class name and a config
 * whose keys are Keras' constructor arguments. Implementations are immutable records that
 * validate in their constructor; {@link LayerTypes} reads them back from JSON.
 */
public interface LayerSpec {

  /** @return Keras' class name of the layer, e.g. {@code "Dense"} */
  String className();

  /**
   * @return the layer's arguments under Keras' names, in a stable order; values are numbers,
   *     booleans, strings, lists or nested maps (what JSON can hold)
   */
  Map<String, Object> config();

  /**
   * Shape inference: the per-sample output shape for a per-sample input shape (no batch
   * dimension).
   *
   * @param input the input shape, e.g. {@code [784]}
   * @return the output shape
   * @throws SpecException if the layer cannot take that input; the message names both shapes
   */
  List<Integer> outputShape(List<Integer> input);

  /**
   * Keras' parameter count of the layer for a per-sample input shape (what {@code
   * model.summary()} prints).
   *
   * @param input the input shape
   * @return the number of weights, trainable or not
   */
  default long paramCount(List<Integer> input) {
    return 0;
  }

  /**
   * @param input the input shape
   * @return how many of {@link #paramCount} are not trainable (BatchNormalization's moving
   *     statistics)
   */
  default long nonTrainableCount(List<Integer> input) {
    return 0;
  }

  /** @return this layer as Keras JSON {@code {"class_name": ..., "config": {...}}} */
  default String toJson() {
    return SpecJson.layerToJson(this);
  }

  /**
   * Reads one layer from Keras JSON.
   *
   * @param json {@code {"class_name": ..., "config": {...}}}
   * @return the layer spec
   * @throws SpecException for unknown class names (listing the known ones) or bad arguments
   */
  static LayerSpec fromJson(String json) {
    return SpecJson.layerFromJson(json);
  }
}
