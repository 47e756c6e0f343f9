package dev.sparkdl.engine;

import ai.djl.nn.Block;
import dev.sparkdl.spec.LayerSpec;
import java.util.List;

/**
 * The engine half of a custom layer, registered with {@code java.util.ServiceLoader} (a file
 * {@code META-INF/services/dev.sparkdl.engine.LayerBuilder}); the spec half is {@link
 * dev.sparkdl.spec.LayerProvider}. The block computes on channels-last inputs {@code (batch,
 * ...per-sample shape)}, like every spark-dl layer.
 */
public interface LayerBuilder {

  /** @return the layer's class name, as its LayerProvider reads it */
  String className();

  /**
   * @param spec the layer's spec
   * @param inputShape the per-sample input shape
   * @return a fresh DJL block; its parameters are initialised and loaded by spark-dl
   */
  Block build(LayerSpec spec, List<Integer> inputShape);

  /**
   * The block's parameters, in the order of {@code block.getParameters()}, as they appear in
   * Keras' {@code get_weights()} (same layout as the DJL arrays).
   *
   * @param spec the layer's spec
   * @param inputShape the per-sample input shape
   * @return one declaration per parameter
   */
  List<Weight> weights(LayerSpec spec, List<Integer> inputShape);

  /**
   * One parameter of a custom layer.
   *
   * @param name its name (unique within the layer)
   * @param shape its shape
   * @param initializer an {@link dev.sparkdl.spec.Initializers} name
   * @param trainable false for statistics the forward pass maintains
   */
  record Weight(String name, List<Integer> shape, String initializer, boolean trainable) {}
}
