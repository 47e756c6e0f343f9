package dev.sparkdl.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' {@code Bidirectional} wrapper of a recurrent layer: a forward copy of the layer reads
 * the sequence as given, a backward copy (the same layer with {@code go_backwards} inverted,
 * its own weights) reads it reversed; with {@code return_sequences} the backward outputs are
 * reversed back so that step {@code t} of both lines up. The two are merged by {@code
 * merge_mode}: concat (default, {@code 2 * units} features), sum, mul or ave. Weights in Keras'
 * order: the forward layer's, then the backward layer's. Keras' {@code merge_mode=None} (two
 * outputs) is refused: a Sequential layer has one output.
 *
 * <pre>{@code Bidirectional.of(Recurrent.lstm(16))}</pre>
 *
 * @param layer the forward layer (SimpleRNN, GRU or LSTM)
 * @param mergeMode concat, sum, mul or ave
 */
public record Bidirectional(Recurrent layer, String mergeMode) implements LayerSpec {
  /** The merge modes. */
  public static final List<String> MERGE_MODES = List.of("concat", "sum", "mul", "ave");

  /** Validates. */
  public Bidirectional {
    if (layer == null) {
      throw new SpecException("Bidirectional needs a recurrent layer (SimpleRNN, GRU or LSTM) to"
          + " wrap. Received: layer=null");
    }
    if (mergeMode == null) {
      throw new SpecException("Received an invalid value for `merge_mode` of Bidirectional:"
          + " merge_mode=None returns the two directions as two outputs, which a Sequential"
          + " network cannot carry. Use one of " + MERGE_MODES + ".");
    }
    if (!MERGE_MODES.contains(mergeMode)) {
      throw new SpecException("Received an invalid value for `merge_mode` of Bidirectional,"
          + " expected one of " + MERGE_MODES + ". Received: merge_mode=" + mergeMode);
    }
    TimeDistributed.refuseRules("Bidirectional", layer);
  }

  /** @return Bidirectional(layer) with concat merging */
  public static Bidirectional of(Recurrent layer) {
    return new Bidirectional(layer, "concat");
  }

  /** @return a copy with another merge mode */
  public Bidirectional mergeMode(String mode) {
    return new Bidirectional(layer, mode);
  }

  /** @return the backward layer: the forward one with {@code go_backwards} inverted */
  public Recurrent backwardLayer() {
    return layer.goBackwards(!layer.goBackwards());
  }

  @Override
  public String className() {
    return "Bidirectional";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("merge_mode", mergeMode);
    c.put("layer", TimeDistributed.inner(layer));
    c.put("backward_layer", TimeDistributed.inner(backwardLayer()));
    return c;
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    List<Integer> out = new ArrayList<>(layer.outputShape(input));
    if ("concat".equals(mergeMode)) {
      out.set(out.size() - 1, 2 * out.get(out.size() - 1));
    }
    return List.copyOf(out);
  }

  @Override
  public long paramCount(List<Integer> input) {
    return 2 * layer.paramCount(input);
  }

  static Bidirectional read(Config c) {
    if (c.has("merge_mode") && c.optRaw("merge_mode") == null) {
      new Bidirectional(Recurrent.lstm(1), null); // throws the merge_mode message
    }
    String mode = c.optString("merge_mode", "concat");
    LayerSpec inner = TimeDistributed.readInner(c, "layer", true);
    if (!(inner instanceof Recurrent r)) {
      throw new SpecException("Bidirectional wraps a recurrent layer (SimpleRNN, GRU or LSTM)."
          + " Received: " + inner.className());
    }
    Bidirectional b = new Bidirectional(r, mode);
    if (c.has("backward_layer") && c.optRaw("backward_layer") != null) {
      LayerSpec back = TimeDistributed.readInner(c, "backward_layer", true);
      if (!b.backwardLayer().equals(back)) {
        throw new SpecException("Bidirectional: the backward_layer must mirror the layer (the"
            + " same class and arguments, go_backwards inverted); spark-dl does not support a"
            + " different backward layer. Layer: " + r.toJson() + ", backward_layer: "
            + back.toJson());
      }
    }
    c.finish();
    return b;
  }
}
