package dev.sparkdl.spec;

import java.io.Serial;
import java.io.Serializable;
import java.util.List;

/**
 * Everything a fit, a transform and a saved model need to know about a network, resolved once
 * when a fit starts and carried from there on: the network with its input shape, the resolved
 * compile options (the loss that fits the head, the optimizer with its learning rate, the
 * metrics), the {@link OutputHead} and the {@link LabelMode}. Training plans, the scoring plan,
 * the fitted model's state and its persistence carry this value; no layer re-derives these
 * facts from the JSON.
 *
 * <p>It travels to Spark tasks as its JSON (network and compile options) and is parsed once per
 * task, not once per call.
 *
 * @param network the network; its input shape is set once the data's shape is known
 * @param compile loss, optimizer (learning rate applied) and metrics, resolved
 * @param head what the network's last layers make of its outputs
 * @param label how the label column becomes training targets (classes, one-hot, values)
 */
public record NetworkContract(
    Sequential network, CompileOptions compile, OutputHead head, LabelMode label)
    implements Serializable {

  /** Checks that the parts belong together. */
  public NetworkContract {
    if (network == null || compile == null || head == null || label == null) {
      throw new IllegalArgumentException("A network contract needs all of its parts");
    }
  }

  /**
   * A contract for a network and its compile options, the head found by {@link OutputHead#of}.
   *
   * @param network the network
   * @param compile the resolved compile options
   * @param label the label form
   * @return the contract
   */
  public static NetworkContract of(Sequential network, CompileOptions compile, LabelMode label) {
    return new NetworkContract(network, compile, OutputHead.of(network), label);
  }

  /**
   * @param inputShape the per-sample input shape, from the network or the data
   * @return this contract with the input shape set; every layer's shape is checked
   * @throws SpecException naming the first layer that cannot take it
   */
  public NetworkContract withInputShape(List<Integer> inputShape) {
    Sequential shaped = network.withInputShape(inputShape);
    shaped.layerOutputShapes(inputShape);
    return new NetworkContract(shaped, compile, head, label);
  }

  /** @return the per-sample input shape, or null before the data's shape is known */
  public List<Integer> inputShape() {
    return network.inputShape();
  }

  /** @return the number of classes a classifier predicts; 0 for regression */
  public int numClasses() {
    return label.kind() == LabelMode.Kind.VALUE ? 0 : label.classes();
  }

  /** @return whether the model predicts two classes with one sigmoid unit */
  public boolean isBinarySigmoid() {
    return numClasses() == 2 && head.units() == 1 && "sigmoid".equals(head.activation());
  }

  /**
   * @return Keras' parameter count (trainable or not) for the input shape
   * @throws SpecException if the input shape is not known yet
   */
  public long paramCount() {
    return network.paramCount();
  }

  /**
   * @return the parameter layout in Keras' order: per layer, its weights and how many of them
   *     are not trainable ({@link Sequential#layerParamCounts}); the engine's DJL order of the
   *     same arrays is {@code engine.WeightLayout}
   * @throws SpecException if the input shape is not known yet
   */
  public List<long[]> layerParamCounts() {
    return network.layerParamCounts();
  }

  @Serial
  private Object writeReplace() {
    return new Form(network.toJson(), compile.toJson(), label);
  }

  /** The serialised form: the network and compile options as their JSON. */
  private record Form(String networkJson, String compileJson, LabelMode label)
      implements Serializable {
    @Serial
    private Object readResolve() {
      return NetworkContract.of(
          Sequential.fromJson(networkJson), CompileOptions.fromJson(compileJson), label);
    }
  }
}
