package dev.sparkdl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** Keras activation names mapped to DJL operations, with Keras' constants. */
final class ActivationFunctions {
  private ActivationFunctions() {}

  /**
   * @param name a canonical name of {@link dev.sparkdl.spec.Activations}
   * @param x the input
   * @return the activation of {@code x} (softmax over the last axis)
   */
  static NDArray apply(String name, NDArray x) {
    return switch (name) {
      case "linear" -> x;
      case "relu" -> Activation.relu(x);
      case "sigmoid" -> Activation.sigmoid(x);
      case "tanh" -> Activation.tanh(x);
      case "softmax" -> x.softmax(-1);
      case "elu" -> Activation.elu(x, 1f);
      case "selu" -> Activation.selu(x);
      case "leaky_relu" -> Activation.leakyRelu(x, 0.2f);
      case "softplus" -> Activation.softPlus(x);
      case "gelu" -> Activation.gelu(x);
      case "swish" -> Activation.swish(x, 1f);
      case "relu6" -> x.clip(0f, 6f);
      case "softsign" -> x.div(x.abs().add(1f));
      case "mish" -> x.mul(Activation.softPlus(x).tanh());
      case "exponential" -> x.exp();
      case "log_softmax" -> x.logSoftmax(-1);
      case "hard_sigmoid" -> x.div(6f).add(0.5f).clip(0f, 1f);
      case "hard_sigmoid_keras2" -> x.mul(0.2f).add(0.5f).clip(0f, 1f);
      case "hard_silu" -> x.mul(x.div(6f).add(0.5f).clip(0f, 1f));
      default -> throw new IllegalArgumentException("unknown activation " + name);
    };
  }
}
