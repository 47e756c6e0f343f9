package dev.sparkdl.engine;

import ai.djl.ndarray.NDArray;
import dev.sparkdl.spec.Loss;

/**
 * Computes a batch's mean loss from the body's pre-activation output {@code z} and the targets.
 * Cross-entropies against a softmax (sigmoid) head use log-softmax (the log-sigmoid identity)
 * on {@code z}; other losses apply the head first. Values equal Keras' on the probabilities.
 * The likelihood losses ({@code normal_nll}, {@code poisson_nll}) read the distribution's
 * parameters from the raw outputs of a linear head and take one target value per row.
 *
 * <p>A loss with {@code from_logits} reaches the engine with the sigmoid or softmax it applies
 * appended to the network by {@code ml.ContractResolver}, so the head is split off and {@code z}
 * are the logits, as Keras' from-logits formulas take them. The hinges score with {@code z} when
 * the head is sigmoid (the appended activation that turns the score into the classifier's
 * probability), else with the activated output. Keras' epsilon (1e-7) clips where Keras clips:
 * the probabilities of cross-entropies computed from probabilities (the focal ones, kl_divergence),
 * poisson's log, mape's denominator, msle's logs and cosine_similarity's norms.
 */
final class LossFunction {
  private static final float EPS = 1e-7f;
  private final Loss loss;
  private final String head;

  /**
   * @param loss the loss
   * @param head the activation split off the body; for a from_logits loss on a linear network
   *     (used directly, without the activation the estimators append) the sigmoid or softmax
   *     the loss applies
   */
  LossFunction(Loss loss, String head) {
    this.loss = loss;
    this.head = loss.fromLogits() && "linear".equals(head)
        ? (loss.isBinary() ? "sigmoid" : "softmax") : head;
  }

  /**
   * @param z pre-activation outputs, (n, k)
   * @param y targets, (n, k): one-hot or probabilities for categorical losses, 0/1 for binary
   * @return the mean loss, a scalar
   */
  NDArray compute(NDArray z, NDArray y) {
    return perSample(z, y).mean();
  }

  /**
   * Keras' reduction {@code sum_over_batch_size} with sample weights: the per-sample losses
   * times the weights, summed and divided by the batch size (not by the weights' sum).
   *
   * @param z pre-activation outputs, (n, k)
   * @param y targets
   * @param w the rows' weights, (n), or null for the plain mean
   * @return the weighted loss, a scalar
   */
  NDArray compute(NDArray z, NDArray y, NDArray w) {
    if (w == null) {
      return compute(z, y);
    }
    NDArray l = perSample(z, y);
    return l.mul(w).sum().div((float) l.getShape().get(0));
  }

  /** The loss of each row, (n): Keras' per-sample value (a mean over the outputs). */
  private NDArray perSample(NDArray z, NDArray y) {
    switch (loss.name()) {
      case "categorical_crossentropy", "sparse_categorical_crossentropy" -> {
        y = smoothCategorical(y);
        NDArray logp =
            "softmax".equals(head)
                ? z.logSoftmax(-1)
                : ActivationFunctions.apply(head, z).clip(EPS, 1 - EPS).log();
        return y.mul(logp).sum(new int[] {-1}).neg();
      }
      case "binary_crossentropy" -> {
        y = smoothBinary(y);
        if ("sigmoid".equals(head)) {
          // max(z, 0) - z * y + log(1 + exp(-|z|))
          return rows(z.maximum(0f).sub(z.mul(y)).add(z.abs().neg().exp().add(1f).log()));
        }
        NDArray p = ActivationFunctions.apply(head, z).clip(EPS, 1 - EPS);
        return rows(y.mul(p.log()).add(y.neg().add(1f).mul(p.neg().add(1f).log()))).neg();
      }
      case "binary_focal_crossentropy" -> {
        // Keras: bce on clipped probabilities times (1 - p_t)^gamma, p_t from the unclipped ones
        y = smoothBinary(y);
        NDArray p = ActivationFunctions.apply(head, z);
        NDArray pc = p.clip(EPS, 1 - EPS);
        NDArray notY = y.neg().add(1f);
        NDArray bce = y.mul(pc.log()).add(notY.mul(pc.neg().add(1f).log())).neg();
        NDArray pt = y.mul(p).add(notY.mul(p.neg().add(1f)));
        NDArray focal = pt.neg().add(1f).pow((float) loss.gamma()).mul(bce);
        if (loss.applyClassBalancing()) {
          float a = (float) loss.alpha();
          focal = focal.mul(y.mul(a).add(notY.mul(1 - a)));
        }
        return rows(focal);
      }
      case "categorical_focal_crossentropy" -> {
        y = smoothCategorical(y);
        NDArray p = ActivationFunctions.apply(head, z);
        NDArray out = p.div(p.sum(new int[] {-1}, true)).clip(EPS, 1 - EPS);
        NDArray cce = y.mul(out.log()).neg();
        NDArray weight = out.neg().add(1f).pow((float) loss.gamma()).mul((float) loss.alpha());
        return weight.mul(cce).sum(new int[] {-1});
      }
      case "hinge", "squared_hinge" -> {
        NDArray score = "sigmoid".equals(head) ? z : ActivationFunctions.apply(head, z);
        // Keras converts labels that are all 0 or 1 to -1 or 1
        boolean zeroOne = y.eq(0f).logicalOr(y.eq(1f)).all().getBoolean();
        NDArray t = zeroOne ? y.mul(2f).sub(1f) : y;
        NDArray m = t.mul(score).neg().add(1f).maximum(0f);
        return rows("hinge".equals(loss.name()) ? m : m.square());
      }
      case "categorical_hinge" -> {
        NDArray p = ActivationFunctions.apply(head, z);
        NDArray pos = y.mul(p).sum(new int[] {-1});
        NDArray neg = y.neg().add(1f).mul(p).max(new int[] {-1});
        return neg.sub(pos).add(1f).maximum(0f);
      }
      case "kl_divergence" -> {
        NDArray p = ActivationFunctions.apply(head, z).clip(EPS, 1f);
        NDArray t = y.clip(EPS, 1f);
        return t.mul(t.div(p).log()).sum(new int[] {-1});
      }
      case "cosine_similarity" -> {
        NDArray p = ActivationFunctions.apply(head, z);
        return unit(y).mul(unit(p)).sum(new int[] {-1}).neg();
      }
      case "poisson" -> {
        NDArray p = ActivationFunctions.apply(head, z);
        return rows(p.sub(y.mul(p.add(EPS).log())));
      }
      case "log_cosh" -> {
        // d + softplus(-2d) - log 2, stable for large |d|
        NDArray d = ActivationFunctions.apply(head, z).sub(y);
        return rows(d.add(softplus(d.mul(-2f))).sub((float) Math.log(2)));
      }
      case "mape" -> {
        NDArray p = ActivationFunctions.apply(head, z);
        return rows(y.sub(p).div(y.abs().maximum(EPS)).abs()).mul(100f);
      }
      case "msle" -> {
        NDArray p = ActivationFunctions.apply(head, z);
        return rows(p.maximum(EPS).add(1f).log().sub(y.maximum(EPS).add(1f).log()).square());
      }
      case "mse" -> {
        return rows(ActivationFunctions.apply(head, z).sub(y).square());
      }
      case "mae" -> {
        return rows(ActivationFunctions.apply(head, z).sub(y).abs());
      }
      case "huber" -> {
        float delta = (float) loss.delta();
        NDArray a = ActivationFunctions.apply(head, z).sub(y).abs();
        NDArray q = a.minimum(delta);
        return rows(q.square().mul(0.5f).add(a.sub(q).mul(delta)));
      }
      case "normal_nll" -> {
        NDArray mu = z.get(":, 0:1");
        NDArray sigma = softplus(z.get(":, 1:2")).add(SIGMA_FLOOR);
        // log σ + (y − μ)² / (2σ²) + ½ log 2π
        return rows(sigma.log().add(y.sub(mu).square().div(sigma.square().mul(2f)))
            .add(HALF_LOG_TWO_PI));
      }
      case "poisson_nll" -> {
        // rate − y log(rate) + lgamma(y + 1), with log(rate) = u read directly
        return rows(z.exp().sub(y.mul(z)).add(logFactorial(y)));
      }
      case "negative_binomial_nll" -> {
        // r = 1/α, log p = lgamma(y + r) − lgamma(r) − lgamma(y + 1) + r log(r / (r + μ))
        //                  + y log(μ / (r + μ)), with log μ = u₀ read directly
        NDArray logMu = z.get(":, 0:1");
        NDArray alpha = softplus(z.get(":, 1:2")).add(SIGMA_FLOOR);
        NDArray r = alpha.pow(-1f);
        NDArray logR = alpha.log().neg();
        NDArray logRMu = logAddExp(logR, logMu);
        NDArray logP = y.add(r).gammaln().sub(r.gammaln()).sub(logFactorial(y))
            .add(r.mul(logR.sub(logRMu))).add(y.mul(logMu.sub(logRMu)));
        return rows(logP).neg();
      }
      case "zero_inflated_poisson_nll" -> {
        // y = 0: log(π + (1 − π) e^(−λ)); y > 0: log(1 − π) + y log λ − λ − lgamma(y + 1),
        // with log π = −softplus(−u₁), log(1 − π) = −softplus(u₁)
        NDArray logRate = z.get(":, 0:1");
        NDArray u = z.get(":, 1:2");
        NDArray logPi = softplus(u.neg()).neg();
        NDArray log1mPi = softplus(u).neg();
        NDArray rate = logRate.exp();
        NDArray zero = logAddExp(logPi, log1mPi.sub(rate));
        NDArray positive = log1mPi.add(y.mul(logRate)).sub(rate).sub(logFactorial(y));
        NDArray isZero = y.eq(0f).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        return rows(isZero.mul(zero).add(isZero.neg().add(1f).mul(positive))).neg();
      }
      case "mixture_normal_nll" -> {
        // −log Σ_k w_k N(y; μ_k, σ_k), w = softmax(logits), by log-sum-exp
        long k = z.getShape().get(1) / 3;
        NDArray logW = z.get(":, 0:" + k).logSoftmax(-1);
        NDArray mu = z.get(":, " + k + ":" + 2 * k);
        NDArray sigma = softplus(z.get(":, " + 2 * k + ":" + 3 * k)).add(SIGMA_FLOOR);
        NDArray logN = sigma.log().neg().sub(y.sub(mu).div(sigma).square().mul(0.5f))
            .sub(HALF_LOG_TWO_PI);
        NDArray t = logW.add(logN);
        NDArray max = t.max(new int[] {1}, true).stopGradient();
        return rows(t.sub(max).exp().sum(new int[] {1}, true).log().add(max)).neg();
      }
      default -> throw new IllegalArgumentException("unknown loss " + loss.name());
    }
  }

  /**
   * @param z pre-activation outputs, (n, k)
   * @return what the metrics compare with the targets: the activated outputs, or for a
   *     likelihood loss the distribution's mean, (n, 1)
   */
  NDArray prediction(NDArray z) {
    return switch (loss.name()) {
      case "normal_nll" -> z.get(":, 0:1");
      case "poisson_nll" -> z.exp();
      case "negative_binomial_nll" -> z.get(":, 0:1").exp();
      case "zero_inflated_poisson_nll" ->
          z.get(":, 0:1").exp().mul(ActivationFunctions.apply("sigmoid", z.get(":, 1:2").neg()));
      case "mixture_normal_nll" -> {
        long k = z.getShape().get(1) / 3;
        yield z.get(":, 0:" + k).softmax(-1).mul(z.get(":, " + k + ":" + 2 * k))
            .sum(new int[] {1}, true);
      }
      default -> ActivationFunctions.apply(head, z);
    };
  }

  /** @return target values per sample for a network of {@code outputs} output values */
  int targetSize(int outputs) {
    return loss.distribution() != null ? 1 : outputs;
  }

  /** Binary label smoothing as Keras: {@code y (1 - s) + 0.5 s}. */
  private NDArray smoothBinary(NDArray y) {
    float s = (float) loss.labelSmoothing();
    return s == 0f ? y : y.mul(1 - s).add(0.5f * s);
  }

  /** Categorical label smoothing as Keras: {@code y (1 - s) + s / K}. */
  private NDArray smoothCategorical(NDArray y) {
    float s = (float) loss.labelSmoothing();
    return s == 0f ? y : y.mul(1 - s).add(s / y.getShape().get(y.getShape().dimension() - 1));
  }

  /** The mean over the last axis: one value per row, (n). */
  private static NDArray rows(NDArray a) {
    return a.mean(new int[] {-1});
  }

  /** Keras' L2 normalisation along the last axis: {@code x / sqrt(max(Σ x², eps²))}. */
  private static NDArray unit(NDArray x) {
    return x.div(x.square().sum(new int[] {-1}, true).maximum(EPS * EPS).sqrt());
  }

  /** The added floor on the normal head's standard deviation. */
  static final float SIGMA_FLOOR = 1e-6f;

  private static final float HALF_LOG_TWO_PI = (float) (0.5 * Math.log(2 * Math.PI));

  /** softplus(u) = max(u, 0) + log(1 + exp(−|u|)), stable for large |u|. */
  static NDArray softplus(NDArray u) {
    return u.maximum(0f).add(u.abs().neg().exp().add(1f).log());
  }

  /** log(e^a + e^b), stable. */
  private static NDArray logAddExp(NDArray a, NDArray b) {
    NDArray max = a.maximum(b);
    return max.add(a.sub(b).abs().neg().exp().add(1f).log());
  }

  /** log(y!) per element; a constant of the loss (no gradient flows to the targets). */
  private static NDArray logFactorial(NDArray y) {
    float[] v = y.toFloatArray();
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) logGamma(v[i] + 1.0);
    }
    return y.getManager().create(out, y.getShape());
  }

  private static final double[] LANCZOS = {
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7
  };

  /** log Γ(x) for x &gt; 0 (Lanczos, g = 7; relative error about 1e-15). */
  static double logGamma(double x) {
    if (x < 0.5) {
      // reflection: Γ(x) Γ(1 − x) = π / sin(πx)
      return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
    }
    double a = LANCZOS[0];
    double t = x + 6.5; // x − 1 + g + ½
    for (int i = 1; i < LANCZOS.length; i++) {
      a += LANCZOS[i] / (x - 1 + i);
    }
    return 0.5 * Math.log(2 * Math.PI) + (x - 0.5) * Math.log(t) - t + Math.log(a);
  }
}
