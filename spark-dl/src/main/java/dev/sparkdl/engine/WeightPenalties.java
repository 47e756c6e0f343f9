package dev.sparkdl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.sparkdl.spec.WeightRules;
import java.util.ArrayList;
import java.util.List;

/**
 * The network's Keras regularizers and constraints in engine terms (see {@link WeightRules}):
 * weight penalties on DJL parameters (an L1/L2 sum does not depend on the layout, so it is taken
 * on the DJL arrays; a recurrent layer's single Keras bias is {@code b_ih + b_hh}), activity
 * penalties on a layer's output, and constraints applied in Keras' layout after each update.
 */
final class WeightPenalties {

  /**
   * A weight regularizer.
   *
   * @param params the DJL parameter indices; summed first when more than one (one Keras bias)
   * @param l1 the L1 factor
   * @param l2 the L2 factor
   */
  record WeightTerm(int[] params, double l1, double l2) {}

  /**
   * An activity regularizer.
   *
   * @param childEnd the number of body children after which the layer's output is ready
   * @param last whether the layer is the network's last (its output is the head of the body's)
   * @param l1 the L1 factor
   * @param l2 the L2 factor
   */
  record ActivityTerm(int childEnd, boolean last, double l1, double l2) {}

  /**
   * A constraint on one Keras weight.
   *
   * @param layer the index in the network's {@link LayerWeights} list
   * @param kerasIndex the weight's index in the layer's Keras arrays
   * @param djlParams the layer-local DJL parameters holding it (written back)
   * @param constraint the constraint
   */
  record ConstraintTerm(int layer, int kerasIndex, int[] djlParams,
      WeightRules.Constraint constraint) {}

  static final WeightPenalties NONE = new WeightPenalties(List.of(), List.of(), List.of());

  private final List<WeightTerm> weights;
  private final List<ActivityTerm> activity;
  private final List<ConstraintTerm> constraints;

  WeightPenalties(List<WeightTerm> weights, List<ActivityTerm> activity,
      List<ConstraintTerm> constraints) {
    this.weights = List.copyOf(weights);
    this.activity = List.copyOf(activity);
    this.constraints = List.copyOf(constraints);
  }

  List<ActivityTerm> activity() {
    return activity;
  }

  boolean hasConstraints() {
    return !constraints.isEmpty();
  }

  /**
   * @return the sum of the weight penalties (differentiable when grad mode is on), or null when
   *     there is none; temporaries end in {@code step}
   */
  NDArray weightPenalty(List<Parameter> params, NDManager step) {
    NDArray total = null;
    for (WeightTerm t : weights) {
      NDArray w = params.get(t.params()[0]).getArray();
      for (int i = 1; i < t.params().length; i++) {
        w = tmp(w.add(params.get(t.params()[i]).getArray()), step);
      }
      total = add(total, of(w, t.l1(), t.l2(), step), step);
    }
    return total;
  }

  /** @return {@code l1 Σ|y| + l2 Σy²} */
  static NDArray of(NDArray y, double l1, double l2, NDManager step) {
    NDArray p = null;
    if (l1 != 0) {
      p = tmp(tmp(tmp(y.abs(), step).sum(), step).mul((float) l1), step);
    }
    if (l2 != 0) {
      p = add(p, tmp(tmp(tmp(y.square(), step).sum(), step).mul((float) l2), step), step);
    }
    return p == null ? tmp(step.zeros(new ai.djl.ndarray.types.Shape()), step) : p;
  }

  static NDArray add(NDArray a, NDArray b, NDManager step) {
    return a == null ? b : b == null ? a : tmp(a.add(b), step);
  }

  private static NDArray tmp(NDArray x, NDManager step) {
    x.attach(step);
    return x;
  }

  /** Applies the constraints to the weights (after an optimizer update; grad mode off). */
  void constrain(List<Parameter> params, List<LayerWeights> layers) {
    for (ConstraintTerm t : constraints) {
      LayerWeights lw = layers.get(t.layer());
      List<float[]> djl = new ArrayList<>();
      for (int p = 0; p < lw.paramCount(); p++) {
        djl.add(params.get(lw.firstParam() + p).getArray().toFloatArray());
      }
      List<float[]> keras = new ArrayList<>(lw.converter().toKeras(djl));
      KerasWeight kw = lw.keras().get(t.kerasIndex());
      keras.set(t.kerasIndex(), apply(t.constraint(), keras.get(t.kerasIndex()), kw.shape()));
      List<float[]> back = lw.converter().fromKeras(keras);
      for (int p : t.djlParams()) {
        params.get(lw.firstParam() + p).getArray().set(back.get(p));
      }
    }
  }

  /**
   * Keras 3's constraint formulas on an array in Keras' layout.
   *
   * @param c the constraint
   * @param w the values, row-major
   * @param shape Keras' shape
   * @return the constrained values
   */
  static float[] apply(WeightRules.Constraint c, float[] w, int[] shape) {
    float[] out = new float[w.length];
    if ("non_neg".equals(c.name())) {
      for (int i = 0; i < w.length; i++) {
        out[i] = w[i] >= 0 ? w[i] : 0f;
      }
      return out;
    }
    int rank = shape.length;
    boolean[] reduced = new boolean[rank];
    for (int a : c.axis()) {
      int ax = a < 0 ? a + rank : a;
      if (ax < 0 || ax >= rank) {
        throw new IllegalArgumentException("constraint " + c.name() + ": axis " + a
            + " is out of range for a weight of rank " + rank);
      }
      reduced[ax] = true;
    }
    // group index of each element: its position over the kept axes
    int[] group = new int[w.length];
    int groups = 1;
    int[] idx = new int[rank];
    for (int i = 0; i < w.length; i++) {
      int g = 0;
      for (int a = 0; a < rank; a++) {
        if (!reduced[a]) {
          g = g * shape[a] + idx[a];
        }
      }
      group[i] = g;
      for (int a = rank - 1; a >= 0; a--) {
        if (++idx[a] < shape[a]) {
          break;
        }
        idx[a] = 0;
      }
    }
    for (int a = 0; a < rank; a++) {
      if (!reduced[a]) {
        groups *= shape[a];
      }
    }
    double[] sq = new double[groups];
    for (int i = 0; i < w.length; i++) {
      sq[group[i]] += (double) w[i] * w[i];
    }
    double eps = 1e-7;
    double[] factor = new double[groups];
    for (int g = 0; g < groups; g++) {
      double n = Math.sqrt(sq[g]);
      double desired = switch (c.name()) {
        case "max_norm" -> Math.min(Math.max(n, 0), c.maxValue());
        case "unit_norm" -> 1.0;
        default -> c.rate() * Math.min(Math.max(n, c.minValue()), c.maxValue())
            + (1 - c.rate()) * n;
      };
      factor[g] = desired / (eps + n);
    }
    for (int i = 0; i < w.length; i++) {
      out[i] = (float) (w[i] * factor[group[i]]);
    }
    return out;
  }
}
