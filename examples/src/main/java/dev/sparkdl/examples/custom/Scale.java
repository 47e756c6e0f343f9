package dev.sparkdl.examples.custom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.sparkdl.engine.LayerBuilder;
import dev.sparkdl.spec.Config;
import dev.sparkdl.spec.LayerProvider;
import dev.sparkdl.spec.LayerSpec;
import dev.sparkdl.spec.SpecException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A custom layer, end to end: {@code Scale} multiplies each channel (the last axis) by a learned
 * factor, {@code y = x * gamma}, gamma starting at {@code initial} (default 1). JSON: {@code
 * {"class_name": "Scale", "config": {"initial": 1.0}}}.
 *
 * <p>Three pieces make a layer: the spec (this record: immutable, validated, its config under
 * Keras-style names), the {@link LayerProvider} that reads it from JSON, and the {@link
 * LayerBuilder} that turns it into a DJL block. Both are registered in {@code
 * META-INF/services}; nothing is ever instantiated from a class name read from a file.
 *
 * @param initial the starting factor
 */
public record Scale(double initial) implements LayerSpec {

  /** Validates. */
  public Scale {
    if (!Double.isFinite(initial)) {
      throw new SpecException("Received an invalid value for `initial` of Scale, expected a finite"
          + " number. Received: initial=" + initial);
    }
  }

  @Override
  public String className() {
    return "Scale";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("initial", initial);
    return c;
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    return input;
  }

  @Override
  public long paramCount(List<Integer> input) {
    return input.get(input.size() - 1);
  }

  /** Reads Scale from JSON (registered as a dev.sparkdl.spec.LayerProvider). */
  public static final class Provider implements LayerProvider {
    @Override
    public String className() {
      return "Scale";
    }

    @Override
    public LayerSpec read(Config config) {
      Scale s = new Scale(config.optDouble("initial", 1.0));
      config.finish();
      return s;
    }
  }

  /** Builds Scale's block (registered as a dev.sparkdl.engine.LayerBuilder). */
  public static final class Builder implements LayerBuilder {
    @Override
    public String className() {
      return "Scale";
    }

    @Override
    public Block build(LayerSpec spec, List<Integer> inputShape) {
      return new ScaleBlock(inputShape.get(inputShape.size() - 1));
    }

    @Override
    public List<Weight> weights(LayerSpec spec, List<Integer> inputShape) {
      double init = ((Scale) spec).initial();
      String initializer = init == 1.0 ? "ones" : init == 0.0 ? "zeros" : null;
      if (initializer == null) {
        throw new SpecException("Scale: initial=" + init + " cannot be expressed as an"
            + " initializer in this example; use 0 or 1.");
      }
      return List.of(new Weight("gamma", List.of(inputShape.get(inputShape.size() - 1)),
          initializer, true));
    }
  }

  /** {@code (batch, ..., channels) -> same shape}, each channel times its gamma. */
  static final class ScaleBlock extends AbstractBlock {
    private final Parameter gamma;

    ScaleBlock(int channels) {
      super((byte) 1);
      gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA)
          .optShape(new Shape(channels)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
        PairList<String, Object> params) {
      NDArray x = inputs.singletonOrThrow();
      return new NDList(x.mul(store.getValue(gamma, x.getDevice(), training)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      return new Shape[] {inputShapes[0]};
    }
  }
}
