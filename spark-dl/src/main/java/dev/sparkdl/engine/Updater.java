package dev.sparkdl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.sparkdl.spec.Optimizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies an optimizer step with Keras' update rules, written with NDArray operations (DJL 0.36's
 * PyTorch engine has no Adadelta, RMSprop, Adagrad or Nesterov). Each trainable parameter has
 * a fixed number of state arrays (slots); after the update the parameter's gradient is zeroed.
 * Must run with grad mode off.
 */
abstract class Updater {
  private final List<Parameter> params;
  /** slots[s][p]: slot kind s of parameter p. */
  private final NDArray[][] slots;
  private long iterations;
  private NDManager step;
  private double learningRate;

  Updater(List<Parameter> trainable, NDManager manager, int slotKinds, float initial,
      double learningRate) {
    this.params = trainable;
    this.learningRate = learningRate;
    this.slots = new NDArray[slotKinds][trainable.size()];
    for (int s = 0; s < slotKinds; s++) {
      for (int p = 0; p < trainable.size(); p++) {
        NDArray w = trainable.get(p).getArray();
        slots[s][p] = manager.full(w.getShape(), initial);
      }
    }
  }

  /**
   * @param optimizer the optimizer; a scheduled one updates as its base (the caller sets each
   *     step's rate from the schedule)
   */
  static Updater of(Optimizer optimizer, List<Parameter> trainable, NDManager manager) {
    Optimizer o = optimizer.unscheduled();
    if (o instanceof Optimizer.SGD s) {
      return new Sgd(s, trainable, manager);
    } else if (o instanceof Optimizer.Adam a) {
      return new Adam(trainable, manager, a.learningRate(), a.beta1(), a.beta2(), a.epsilon(), 0);
    } else if (o instanceof Optimizer.AdamW a) {
      return new Adam(trainable, manager, a.learningRate(), a.beta1(), a.beta2(), a.epsilon(),
          a.weightDecay());
    } else if (o instanceof Optimizer.RMSprop r) {
      return new RmsProp(r, trainable, manager);
    } else if (o instanceof Optimizer.Adagrad a) {
      return new Adagrad(a, trainable, manager);
    }
    return new Adadelta((Optimizer.Adadelta) o, trainable, manager);
  }

  /** One update of every trainable parameter from its accumulated gradient. */
  final void step(NDManager stepManager) {
    iterations++;
    this.step = stepManager;
    for (int p = 0; p < params.size(); p++) {
      NDArray w = params.get(p).getArray();
      NDArray g = w.getGradient();
      g.attach(stepManager);
      update(p, w, g);
      JniUtils.zeroGrad((PtNDArray) w);
    }
    this.step = null;
  }

  /** Updates {@code w} in place; temporaries must end in the step manager (see {@link #tmp}). */
  abstract void update(int p, NDArray w, NDArray g);

  /** @return the learning rate of the next step */
  final double learningRate() {
    return learningRate;
  }

  /** @return the learning rate of the next step, as a float */
  final float lr() {
    return (float) learningRate;
  }

  final void setLearningRate(double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          "The learning rate must be a finite number >= 0 (a schedule may reach 0); received "
              + value + ".");
    }
    learningRate = value;
  }

  final NDArray slot(int kind, int p) {
    return slots[kind][p];
  }

  final long iterations() {
    return iterations;
  }

  /** Moves an array computed from a long-lived array into the step manager, so it is freed. */
  final NDArray tmp(NDArray x) {
    x.attach(step);
    return x;
  }

  OptimizerState state() {
    List<float[]> out = new ArrayList<>();
    for (NDArray[] kind : slots) {
      for (NDArray a : kind) {
        out.add(a.toFloatArray());
      }
    }
    return new OptimizerState(iterations, out.toArray(new float[0][]));
  }

  void setState(OptimizerState state) {
    float[][] v = state.slots();
    int expected = slots.length * params.size();
    if (v.length != expected) {
      throw new IllegalArgumentException(
          "optimizer state has " + v.length + " slot arrays, this optimizer needs " + expected
              + " (" + slots.length + " per trainable parameter)");
    }
    int i = 0;
    for (NDArray[] kind : slots) {
      for (NDArray a : kind) {
        if (a.size() != v[i].length) {
          throw new IllegalArgumentException(
              "optimizer slot " + i + " has " + v[i].length + " values, expected " + a.size());
        }
        a.set(v[i++]);
      }
    }
    iterations = state.iterations();
  }

  /** Keras SGD: {@code v = m v - lr g; w += v}, Nesterov {@code w += m v - lr g}. */
  static final class Sgd extends Updater {
    private final float momentum;
    private final boolean nesterov;

    Sgd(Optimizer.SGD o, List<Parameter> trainable, NDManager manager) {
      super(trainable, manager, o.momentum() > 0 ? 1 : 0, 0f, o.learningRate());
      momentum = (float) o.momentum();
      nesterov = o.nesterov();
    }

    @Override
    void update(int p, NDArray w, NDArray g) {
      float lr = lr();
      if (momentum == 0f) {
        w.subi(g.mul(lr));
        return;
      }
      NDArray v = slot(0, p);
      v.muli(momentum).subi(g.mul(lr));
      if (nesterov) {
        w.addi(tmp(v.mul(momentum))).subi(g.mul(lr));
      } else {
        w.addi(v);
      }
    }
  }

  /** Keras Adam; with weight decay, AdamW's decoupled decay {@code w -= w lr wd} first. */
  static final class Adam extends Updater {
    private final double beta1;
    private final double beta2;
    private final float eps;
    private final double weightDecay;

    Adam(List<Parameter> trainable, NDManager manager, double lr, double beta1, double beta2,
        double eps, double weightDecay) {
      super(trainable, manager, 2, 0f, lr);
      this.beta1 = beta1;
      this.beta2 = beta2;
      this.eps = (float) eps;
      this.weightDecay = weightDecay;
    }

    @Override
    void update(int p, NDArray w, NDArray g) {
      long t = iterations();
      double lr = learningRate();
      float decay = (float) (lr * weightDecay);
      float alpha = (float) (lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
      if (decay != 0f) {
        w.subi(tmp(w.mul(decay)));
      }
      NDArray m = slot(0, p);
      NDArray v = slot(1, p);
      m.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
      v.muli((float) beta2).addi(g.square().muli((float) (1 - beta2)));
      NDArray denom = tmp(v.sqrt()).addi(eps);
      w.subi(tmp(m.mul(alpha)).divi(denom));
    }
  }

  /** Keras RMSprop: {@code a = rho a + (1-rho) g²; w -= lr g / sqrt(a - avg² + eps)}. */
  static final class RmsProp extends Updater {
    private final float rho;
    private final float momentum;
    private final float eps;
    private final boolean centered;

    RmsProp(Optimizer.RMSprop o, List<Parameter> trainable, NDManager manager) {
      super(trainable, manager, 3, 0f, o.learningRate());
      rho = (float) o.rho();
      momentum = (float) o.momentum();
      eps = (float) o.epsilon();
      centered = o.centered();
    }

    @Override
    void update(int p, NDArray w, NDArray g) {
      NDArray vel = slot(0, p);
      vel.muli(rho).addi(g.square().muli(1 - rho));
      NDArray denom;
      if (centered) {
        NDArray avg = slot(1, p);
        avg.muli(rho).addi(g.mul(1 - rho));
        denom = tmp(vel.sub(tmp(avg.square())));
      } else {
        denom = tmp(vel.add(0f));
      }
      NDArray inc = g.mul(lr()).divi(denom.addi(eps).sqrt());
      if (momentum > 0) {
        NDArray mom = slot(2, p);
        mom.muli(momentum).addi(inc);
        w.subi(mom);
      } else {
        w.subi(inc);
      }
    }
  }

  /** Keras Adagrad: {@code a += g²; w -= lr g / sqrt(a + eps)}. */
  static final class Adagrad extends Updater {
    private final float eps;

    Adagrad(Optimizer.Adagrad o, List<Parameter> trainable, NDManager manager) {
      super(trainable, manager, 1, (float) o.initialAccumulatorValue(), o.learningRate());
      eps = (float) o.epsilon();
    }

    @Override
    void update(int p, NDArray w, NDArray g) {
      NDArray acc = slot(0, p);
      acc.addi(g.square());
      w.subi(g.mul(lr()).divi(tmp(acc.add(eps)).sqrt()));
    }
  }

  /** Keras Adadelta, see {@link Optimizer.Adadelta}. */
  static final class Adadelta extends Updater {
    private final float rho;
    private final float eps;

    Adadelta(Optimizer.Adadelta o, List<Parameter> trainable, NDManager manager) {
      super(trainable, manager, 2, 0f, o.learningRate());
      rho = (float) o.rho();
      eps = (float) o.epsilon();
    }

    @Override
    void update(int p, NDArray w, NDArray g) {
      NDArray accGrad = slot(0, p);
      NDArray accDelta = slot(1, p);
      accGrad.muli(rho).addi(g.square().muli(1 - rho));
      NDArray num = tmp(accDelta.add(eps)).sqrt();
      NDArray den = tmp(accGrad.add(eps)).sqrt();
      NDArray delta = g.mul(num.divi(den));
      accDelta.muli(rho).addi(delta.square().muli(1 - rho));
      w.subi(delta.muli(lr()));
    }
  }
}
