package dev.sparkdl.engine;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Per-batch metric sums on the activated outputs {@code p} and targets {@code y}: accuracy
 * (argmax match, or p &gt; 0.5 against y &gt; 0.5 for one output), binary_accuracy (Keras': each
 * output thresholded at 0.5 and compared with its target; per-sample mean over the outputs,
 * summed over the batch), mse and mae (per-sample mean over the outputs, summed over the
 * batch).
 */
final class MetricFunctions {
  private final List<String> names;

  MetricFunctions(List<String> names) {
    this.names = List.copyOf(names);
  }

  int size() {
    return names.size();
  }

  void sums(NDArray p, NDArray y, double[] out) {
    long k = p.getShape().get(p.getShape().dimension() - 1);
    for (int i = 0; i < names.size(); i++) {
      out[i] =
          switch (names.get(i)) {
            case "accuracy" ->
                k == 1
                    ? p.gt(0.5f).eq(y.gt(0.5f)).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                        .sum().getFloat()
                    : p.argMax(-1).eq(y.argMax(-1)).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                        .sum().getFloat();
            case "binary_accuracy" ->
                p.gt(0.5f).eq(y.gt(0.5f)).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                    .sum().getFloat() / k;
            case "mse" -> p.sub(y).square().sum().getFloat() / k;
            case "mae" -> p.sub(y).abs().sum().getFloat() / k;
            default -> throw new IllegalArgumentException("unknown metric " + names.get(i));
          };
    }
  }
}
