package dev.sparkdl.spec;

/**
 * The spec half of a custom layer: registered with {@code java.util.ServiceLoader} (a file
 * {@code META-INF/services/dev.sparkdl.spec.LayerProvider} naming the implementation), it makes
 * the layer's Keras class name readable from JSON. The engine half is {@code
 * dev.sparkdl.engine.LayerBuilder}; one class may implement both. The layer's spec is any
 * immutable {@link LayerSpec} whose {@code className()} is this provider's name.
 */
public interface LayerProvider {

  /** @return the layer's class name in JSON, unique among all layers */
  String className();

  /**
   * Builds the spec from its config; call {@link Config#finish()} to reject unknown arguments.
   *
   * @param config the Keras config
   * @return the spec
   */
  LayerSpec read(Config config);
}
