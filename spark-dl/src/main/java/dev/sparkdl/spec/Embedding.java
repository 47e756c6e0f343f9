package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps integer indices to learned vectors, as Keras' {@code Embedding}: input {@code (steps)} of
 * indices in {@code [0, input_dim)} (given as numbers), output {@code (steps, output_dim)};
 * initialised uniformly in ±0.05 as Keras does, or as {@code embeddings_initializer} says.
 * Sequences of any length are accepted when the network has no input shape (Keras'
 * {@code batch_input_shape: [null, null]}): the length comes from the data.
 *
 * @param inputDim the vocabulary size, &gt; 0
 * @param outputDim the vector size, &gt; 0
 * @param embeddingsInitializer an {@link Initializers} form, Keras' default {@code random_uniform}
 * @param rules the {@link WeightRules}: embeddings and activity regularizers, embeddings constraint; {@link
 *     WeightRules#NONE} for none
 * @param dropout Keras 1's {@code dropout}: while training, each batch drops whole rows of the
 *     table (words) with this probability and scales the others by 1/(1 - dropout); 0 (the
 *     default, and all Keras 2 and 3 have) for none
 * @param maskZero Keras' {@code mask_zero}: index 0 is padding, and the layers after it see
 *     Keras' mask {@code index != 0} (recurrent layers skip the padded steps, {@code
 *     GlobalAveragePooling1D} averages over the others; see {@link MaskChain} for what may
 *     follow). The table keeps its {@code input_dim} rows.
 */
public record Embedding(int inputDim, int outputDim, String embeddingsInitializer,
    WeightRules rules, double dropout, boolean maskZero)
    implements LayerSpec {

  /** Validates. */
  public Embedding {
    if (inputDim <= 0 || outputDim <= 0) {
      throw new SpecException("Received an invalid value for Embedding, expected positive"
          + " input_dim and output_dim. Received: input_dim=" + inputDim + ", output_dim="
          + outputDim);
    }
    embeddingsInitializer = Initializers.check(embeddingsInitializer);
    rules = (rules == null ? WeightRules.NONE : rules)
        .check("Embedding", WeightRules.EMBEDDINGS.keySet());
    if (!(dropout >= 0 && dropout < 1)) {
      throw new SpecException("Received an invalid value for `dropout` of Embedding, expected a"
          + " float in [0, 1). Received: dropout=" + dropout);
    }
  }

  /** The constructor without {@code mask_zero}. */
  public Embedding(int inputDim, int outputDim, String embeddingsInitializer, WeightRules rules,
      double dropout) {
    this(inputDim, outputDim, embeddingsInitializer, rules, dropout, false);
  }

  /** The constructor without Keras 1's dropout. */
  public Embedding(int inputDim, int outputDim, String embeddingsInitializer, WeightRules rules) {
    this(inputDim, outputDim, embeddingsInitializer, rules, 0.0);
  }

  /** The constructor without regularizers or constraints. */
  public Embedding(int inputDim, int outputDim, String embeddingsInitializer) {
    this(inputDim, outputDim, embeddingsInitializer, WeightRules.NONE);
  }

  /** @return a copy with these regularizers and constraints (see {@link WeightRules}) */
  public Embedding rules(WeightRules rules) {
    return new Embedding(inputDim, outputDim, embeddingsInitializer, rules, dropout, maskZero);
  }

  /** @return a copy with Keras' {@code mask_zero}: index 0 is padding that later layers skip */
  public Embedding maskZero(boolean mask) {
    return new Embedding(inputDim, outputDim, embeddingsInitializer, rules, dropout, mask);
  }

  /**
   * @param inputDim the vocabulary size
   * @param outputDim the vector size
   */
  public Embedding(int inputDim, int outputDim) {
    this(inputDim, outputDim, "random_uniform");
  }

  /** @return Embedding(input_dim, output_dim) */
  public static Embedding of(int inputDim, int outputDim) {
    return new Embedding(inputDim, outputDim);
  }

  @Override
  public String className() {
    return "Embedding";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("input_dim", inputDim);
    c.put("output_dim", outputDim);
    if (!"random_uniform".equals(embeddingsInitializer)) {
      c.put("embeddings_initializer", Initializers.toKeras(embeddingsInitializer));
    }
    rules.writeTo(c, WeightRules.EMBEDDINGS);
    if (dropout > 0) {
      c.put("dropout", dropout); // Keras 1's argument
    }
    if (maskZero) {
      c.put("mask_zero", true);
    }
    return c;
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    Shapes.requireRank("Embedding(" + inputDim + ", " + outputDim + ")", input, 1,
        "(steps) of integer indices");
    return List.of(input.get(0), outputDim);
  }

  @Override
  public long paramCount(List<Integer> input) {
    return (long) inputDim * outputDim;
  }

  static Embedding read(Config c) {
    int in = c.requiredInt("input_dim");
    int out = c.requiredInt("output_dim");
    String init = Initializers.read(c, c.has("init") ? "init" : "embeddings_initializer",
        "random_uniform");
    Embedding e = new Embedding(in, out, init,
        WeightRules.read(c, WeightRules.EMBEDDINGS, WeightRules.KERAS1_EMBEDDINGS),
        c.optDouble("dropout", 0.0), // Keras 1
        c.optBoolean("mask_zero", false)); // the same key in Keras 1, 2 and 3
    Keras1.offKeys(c);
    c.ignore("input_length", "sparse");
    c.finish();
    return e;
  }
}
