package dev.sparkdl.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The layer class names this release can read from JSON, each with its reader. Readers are looked
 * up by Keras class name only; no class is ever instantiated from a name read from a file.
 */
public final class LayerTypes {
  private static final Map<String, Function<Config, LayerSpec>> READERS = new LinkedHashMap<>();

  static {
    READERS.put("Dense", Dense::read);
    READERS.put("Activation", Activation::read);
    READERS.put("Dropout", Dropout::read);
    READERS.put("BatchNormalization", BatchNormalization::read);
    READERS.put("Flatten", Flatten::read);
  }

  private LayerTypes() {}

  /** @return the known layer class names, in registration order */
  public static Set<String> names() {
    return Collections.unmodifiableSet(READERS.keySet());
  }

  /**
   * Builds a layer spec from its Keras class name and config.
   *
   * @param className Keras' class name, e.g. {@code "Dense"}
   * @param config the config object's keys and values
   * @return the spec
   * @throws SpecException for unknown names (listing the known ones) or bad arguments
   */
  public static LayerSpec read(String className, Map<String, ?> config) {
    Function<Config, LayerSpec> reader = className == null ? null : READERS.get(className);
    if (reader == null) {
      throw new SpecException(
          "Unknown layer class_name '" + className + "'. Known layers: "
              + String.join(", ", READERS.keySet()) + ".");
    }
    return reader.apply(new Config(className, config));
  }
}
