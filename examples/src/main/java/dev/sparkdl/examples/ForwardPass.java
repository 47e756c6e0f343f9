package dev.sparkdl.examples;

import dev.sparkdl.engine.Network;
import dev.sparkdl.engine.Tensor;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Sequential;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * The course's forward propagation exercise: weights are given, nothing is trained.
 *
 * <ol>
 *   <li>One neuron, w1 = 0.3, w2 = 0.1, b = 1.0, sigmoid, input x = (1, 2.2): p = sigmoid(1.52)
 *       = 0.8205.
 *   <li>One hidden layer of two relu nodes with weights node_0 = (2, 4), node_1 = (4, -5) and
 *       output weights (2, 7), input (3, 5): hidden = relu(26, -13) = (26, 0), output = 52.
 * </ol>
 */
@Command(name = "forward-pass", mixinStandardHelpOptions = true,
    description = "Forward propagation with explicit weights (the course exercise).")
final class ForwardPass implements Callable<Integer> {

  @Override
  public Integer call() {
    Map<String, Object> result = new LinkedHashMap<>();
    Sequential neuron = Sequential.of(Dense.units(1).activation("sigmoid")).inputShape(2);
    try (Network net = Network.create(neuron, null, 0)) {
      // Keras' set_weights: kernel (inputs x units), then bias
      net.setKerasWeights(List.of(Tensor.of(new float[][] {{0.3f}, {0.1f}}), Tensor.of(1.0f)));
      float p = net.predict(new float[] {1f, 2.2f}, 1)[0];
      System.out.printf("One neuron: w = (0.3, 0.1), b = 1.0, sigmoid, x = (1, 2.2) -> p = %.4f%n", p);
      result.put("p", Support.round(p, 6));
    }
    Sequential hidden = Sequential.of(
        Dense.units(2).activation("relu").useBias(false),
        Dense.units(1).useBias(false)).inputShape(2);
    try (Network net = Network.create(hidden, null, 0)) {
      net.setKerasWeights(List.of(
          Tensor.of(new float[][] {{2, 4}, {4, -5}}), // column j holds node_j's input weights
          Tensor.of(new float[][] {{2}, {7}})));
      float out = net.predict(new float[] {3f, 5f}, 1)[0];
      System.out.printf("Hidden layer: relu((3, 5) . [[2, 4], [4, -5]]) = (26, 0); output (26, 0) . (2, 7) = %.1f%n", out);
      System.out.println("Keras weights of that network: " + net.kerasDescription());
      result.put("hidden_network_output", (double) out);
    }
    Support.result(result);
    return 0;
  }
}
