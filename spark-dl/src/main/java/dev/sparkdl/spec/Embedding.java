package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps integer indices to learned vectors, as Keras' {@code Embedding}: input {@code (steps)} of
 * indices in {@code [0, input_dim)} (given as numbers), output {@code (steps, output_dim)};
 * initialised uniformly in ±0.05 as Keras does.
 *
 * @param inputDim the vocabulary size, &gt; 0
 * @param outputDim the vector size, &gt; 0
 */
public record Embedding(int inputDim, int outputDim) implements LayerSpec {

  /** Validates. */
  public Embedding {
    if (inputDim <= 0 || outputDim <= 0) {
      throw new SpecException("Received an invalid value for Embedding, expected positive"
          + " input_dim and output_dim. Received: input_dim=" + inputDim + ", output_dim="
          + outputDim);
    }
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
    Embedding e = new Embedding(c.requiredInt("input_dim"), c.requiredInt("output_dim"));
    String init = c.optIdentifier("embeddings_initializer", "uniform");
    if (!List.of("uniform", "randomuniform", "random_uniform").contains(
        init.toLowerCase(java.util.Locale.ROOT))) {
      throw new SpecException("Embedding: embeddings_initializer=" + init + " is not supported;"
          + " only uniform (the Keras default).");
    }
    c.only("mask_zero", false);
    c.ignore("embeddings_regularizer", "embeddings_constraint", "input_length", "sparse");
    c.finish();
    return e;
  }
}
