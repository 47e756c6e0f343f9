package dev.sparkdl.engine;

import ai.djl.ndarray.NDArray;
import dev.sparkdl.spec.Loss;

/**
 * Computes a batch's mean loss from the body's pre-activation output {@code z} and the targets.
 * Cross-entropies against a softmax (sigmoid) head use log-softmax (the log-sigmoid identity)
 * on {@code z}; other losses apply the head first. Values equal Keras' on the probabilities.
 */
final class LossFunction {
  private static final float EPS = 1e-7f;
  private final Loss loss;
  private final String head;

  LossFunction(Loss loss, String head) {
    this.loss = loss;
    this.head = head;
  }

  /**
   * @param z pre-activation outputs, (n, k)
   * @param y targets, (n, k): one-hot or probabilities for categorical losses, 0/1 for binary
   * @return the mean loss, a scalar
   */
  NDArray compute(NDArray z, NDArray y) {
    switch (loss.name()) {
      case "categorical_crossentropy", "sparse_categorical_crossentropy" -> {
        NDArray logp =
            "softmax".equals(head)
                ? z.logSoftmax(-1)
                : ActivationFunctions.apply(head, z).clip(EPS, 1 - EPS).log();
        return y.mul(logp).sum(new int[] {-1}).mean().neg();
      }
      case "binary_crossentropy" -> {
        if ("sigmoid".equals(head)) {
          // max(z, 0) - z * y + log(1 + exp(-|z|))
          return z.maximum(0f).sub(z.mul(y)).add(z.abs().neg().exp().add(1f).log()).mean();
        }
        NDArray p = ActivationFunctions.apply(head, z).clip(EPS, 1 - EPS);
        return y.mul(p.log()).add(y.neg().add(1f).mul(p.neg().add(1f).log())).mean().neg();
      }
      case "mse" -> {
        return ActivationFunctions.apply(head, z).sub(y).square().mean();
      }
      case "mae" -> {
        return ActivationFunctions.apply(head, z).sub(y).abs().mean();
      }
      case "huber" -> {
        float delta = (float) loss.delta();
        NDArray a = ActivationFunctions.apply(head, z).sub(y).abs();
        NDArray q = a.minimum(delta);
        return q.square().mul(0.5f).add(a.sub(q).mul(delta)).mean();
      }
      default -> throw new IllegalArgumentException("unknown loss " + loss.name());
    }
  }
}
