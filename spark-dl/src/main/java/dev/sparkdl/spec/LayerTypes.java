package dev.sparkdl.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The layer class names this release can read from JSON, each with its reader: the built-in
 * layers and the custom layers registered through {@link LayerProvider} ({@code
 * java.util.ServiceLoader}). Readers are looked up by Keras class name only; no class is ever
 * instantiated from a name read from a file.
 */
public final class LayerTypes {
  /** Reads one layer type's config. */
  @FunctionalInterface
  public interface Reader {
    /**
     * @param config the layer's Keras config
     * @return the spec
     */
    LayerSpec read(Config config);
  }

  private static final Map<String, Reader> READERS = new LinkedHashMap<>();
  private static final Set<String> BUILT_IN = new java.util.HashSet<>();
  private static final Map<String, Reader> ALIASES = new LinkedHashMap<>();

  /**
   * @param className a Keras class name, e.g. {@code BatchNormalization}
   * @return its snake_case form, as Keras names layers and functions: {@code batch_normalization}
   */
  public static String snakeCase(String className) {
    return className.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  static {
    READERS.put("Dense", Dense::read);
    READERS.put("Activation", Activation::read);
    READERS.put("Dropout", Dropout::read);
    READERS.put("BatchNormalization", BatchNormalization::read);
    READERS.put("Flatten", Flatten::read);
    READERS.put("Reshape", Reshape::read);
    READERS.put("Rescaling", Rescaling::read);
    READERS.put("Conv1D", Conv1D::read);
    READERS.put("Conv2D", Conv2D::read);
    for (String kind : new String[] {"Max", "Average"}) {
      for (int rank = 1; rank <= 2; rank++) {
        READERS.put(kind + "Pooling" + rank + "D", Pooling.reader(kind, rank));
        READERS.put("Global" + kind + "Pooling" + rank + "D", GlobalPooling.reader(kind, rank));
      }
    }
    for (String kind : Recurrent.KINDS) {
      READERS.put(kind, Recurrent.reader(kind, false));
    }
    // other class names read as these layers: Keras 2's CuDNN layers, Keras 1's names
    ALIASES.put("CuDNNLSTM", Recurrent.reader("LSTM", true));
    ALIASES.put("CuDNNGRU", Recurrent.reader("GRU", true));
    ALIASES.put("Convolution1D", Conv1D::read);
    ALIASES.put("Convolution2D", Conv2D::read);
    READERS.put("Embedding", Embedding::read);
    READERS.put("ReLU", ReLU::read);
    READERS.put("LeakyReLU", LeakyReLU::read);
    READERS.put("ELU", ELU::read);
    READERS.put("Softmax", Softmax::read);
    READERS.put("ThresholdedReLU", ThresholdedReLU::read);
    READERS.put("PReLU", PReLU::read);
    READERS.put("LayerNormalization", LayerNormalization::read);
    for (int rank = 1; rank <= 2; rank++) {
      READERS.put("ZeroPadding" + rank + "D", ZeroPadding.reader(rank));
      READERS.put("Cropping" + rank + "D", Cropping.reader(rank));
      READERS.put("UpSampling" + rank + "D", UpSampling.reader(rank));
      READERS.put("SpatialDropout" + rank + "D", SpatialDropout.reader(rank));
    }
    READERS.put("RepeatVector", RepeatVector::read);
    READERS.put("Permute", Permute::read);
    READERS.put("GaussianNoise", GaussianNoise::read);
    READERS.put("GaussianDropout", GaussianDropout::read);
    READERS.put("AlphaDropout", AlphaDropout::read);
    READERS.put("Conv2DTranspose", Conv2DTranspose::read);
    READERS.put("DepthwiseConv2D", DepthwiseConv2D::read);
    READERS.put("SeparableConv1D", SeparableConv.reader(1));
    READERS.put("SeparableConv2D", SeparableConv.reader(2));
    READERS.put("Bidirectional", Bidirectional::read);
    READERS.put("TimeDistributed", TimeDistributed::read);
    // Keras 2's aliases of these
    ALIASES.put("Convolution2DTranspose", Conv2DTranspose::read);
    ALIASES.put("Deconvolution2D", Conv2DTranspose::read);
    ALIASES.put("Deconv2D", Conv2DTranspose::read);
    ALIASES.put("SeparableConvolution1D", SeparableConv.reader(1));
    ALIASES.put("SeparableConvolution2D", SeparableConv.reader(2));
    // Keras 1's TimeDistributedDense(output_dim, ...) is TimeDistributed(Dense(...))
    ALIASES.put("TimeDistributedDense", c -> TimeDistributed.of(Dense.read(c)));
    BUILT_IN.addAll(READERS.keySet());
    for (LayerProvider p : java.util.ServiceLoader.load(LayerProvider.class)) {
      if (READERS.containsKey(p.className())) {
        throw new IllegalStateException("Custom layer " + p.getClass().getName()
            + " registers the name " + p.className() + ", which is already taken.");
      }
      READERS.put(p.className(), p::read);
    }
  }

  private LayerTypes() {}

  /**
   * @param className a Keras class name
   * @return whether it is one of this release's own layers (not a custom {@link
   *     LayerProvider}), whose {@link LayerSpec#paramCount} is known to be exact
   */
  public static boolean isBuiltIn(String className) {
    return BUILT_IN.contains(className);
  }

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
    Reader reader = className == null ? null : READERS.getOrDefault(className,
        ALIASES.get(className));
    if (reader == null) {
      throw new SpecException(
          "Unknown layer class_name '" + className + "'. Known layers: "
              + String.join(", ", READERS.keySet()) + ".");
    }
    return reader.read(new Config(className, config));
  }
}
