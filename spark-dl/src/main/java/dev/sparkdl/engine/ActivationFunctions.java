package dev.sparkdl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.sparkdl.spec.ActivationLayer;
import dev.sparkdl.spec.ELU;
import dev.sparkdl.spec.LeakyReLU;
import dev.sparkdl.spec.ReLU;
import dev.sparkdl.spec.Softmax;
import dev.sparkdl.spec.ThresholdedReLU;

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

  /**
   * Keras' advanced-activation layers, with their arguments.
   *
   * @param layer the layer
   * @param x the input, batched
   * @return the layer's output
   */
  static NDArray apply(ActivationLayer layer, NDArray x) {
    if (layer instanceof ReLU r) {
      // Keras: x * (x > threshold), clipped at max_value, minus slope * relu(threshold - x)
      float t = (float) r.threshold();
      NDArray y = t == 0f ? x.maximum(0f) : x.mul(x.gt(t).toType(x.getDataType(), false));
      if (r.maxValue() != null) {
        y = y.minimum((float) r.maxValue().doubleValue());
      }
      if (r.negativeSlope() != 0) {
        y = y.sub(x.neg().add(t).maximum(0f).mul((float) r.negativeSlope()));
      }
      return y;
    } else if (layer instanceof LeakyReLU l) {
      return Activation.leakyRelu(x, (float) l.negativeSlope());
    } else if (layer instanceof ELU e) {
      // x for x > 0, alpha * (exp(x) - 1) otherwise: max(x, 0) + alpha * (exp(min(x, 0)) - 1)
      return x.maximum(0f).add(x.minimum(0f).exp().sub(1f).mul((float) e.alpha()));
    } else if (layer instanceof Softmax s) {
      return x.softmax(s.axis());
    } else if (layer instanceof ThresholdedReLU t) {
      return x.mul(x.gt((float) t.theta()).toType(x.getDataType(), false));
    }
    throw new IllegalArgumentException("unknown activation layer " + layer.className());
  }
}
