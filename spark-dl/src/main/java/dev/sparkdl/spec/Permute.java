package dev.sparkdl.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' {@code Permute(dims)}: reorders the sample's axes; {@code dims} is a permutation of
 * {@code 1..rank} (1 the sample's first axis), e.g. {@code Permute((2, 1))} swaps steps and
 * features.
 *
 * @param dims the permutation, from 1
 */
public record Permute(List<Integer> dims) implements LayerSpec {

  /** Validates: a permutation of 1..n. */
  public Permute {
    if (dims == null || dims.isEmpty()
        || !new java.util.TreeSet<>(dims).equals(new java.util.TreeSet<>(
            java.util.stream.IntStream.rangeClosed(1, dims.size()).boxed().toList()))) {
      throw new SpecException("Received an invalid value for `dims` of Permute, expected a"
          + " permutation of 1..n (the sample's axes, from 1). Received: dims=" + dims);
    }
    dims = List.copyOf(dims);
  }

  /** @return {@code Permute(dims)}, e.g. {@code Permute.of(2, 1)} */
  public static Permute of(Integer... dims) {
    return new Permute(List.of(dims));
  }

  @Override
  public String className() {
    return "Permute";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("dims", dims);
    return c;
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    if (input.size() != dims.size()) {
      throw new SpecException("Permute(dims=" + dims + ") needs inputs with " + dims.size()
          + " axes, but its input has shape " + input + ".");
    }
    List<Integer> out = new ArrayList<>();
    for (int d : dims) {
      out.add(input.get(d - 1));
    }
    return List.copyOf(out);
  }

  static Permute read(Config c) {
    Object v = c.optRaw("dims");
    List<Integer> dims = new ArrayList<>();
    if (v instanceof List<?> l) {
      for (Object o : l) {
        if (!(o instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
          dims = null;
          break;
        }
        dims.add(n.intValue());
      }
    } else {
      dims = null;
    }
    if (dims == null) {
      throw new SpecException("Received an invalid value for `dims` of Permute, expected a list"
          + " of axes. Received: dims=" + v);
    }
    c.finish();
    return new Permute(dims);
  }
}
