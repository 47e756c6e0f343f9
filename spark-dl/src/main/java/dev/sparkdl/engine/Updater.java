package dev.sparkdl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
 * Before the update, as Keras 3 does, the gradients are clipped and decoupled weight decay is
 * applied ({@link Optimizer.GradientOptions}). Must run with grad mode off.
 */
abstract class Updater {
  private final List<Parameter> params;
  /** slots[s][p]: slot kind s of parameter p. */
  private final NDArray[][] slots;
  private long iterations;
  private NDManager step;
  private double learningRate;
  private Optimizer.GradientOptions options = Optimizer.GradientOptions.NONE;

  Updater(List<Parameter> trainable, NDManager manager, int slotKinds, float initial,
      double learningRate) {
    this.params = trainable;
    this.learningRate = learningRate;
    this.slots = new NDArray[slotKinds][trainable.size()];
    for (int s = 0; s < slotKinds; s++) {
      for (int p = 0; p < trainable.size(); p++) {
        NDArray w = trainable.get(p).getArray();
        slots[s][p] = manager.full(slotShape(s, w.getShape()), initial);
      }
    }
  }

  /**
   * @param optimizer the optimizer; a scheduled one updates as its base (the caller sets each
   *     step's rate from the schedule)
   */
  static Updater of(Optimizer optimizer, List<Parameter> trainable, NDManager manager) {
    Optimizer o = optimizer.unscheduled();
    Updater u;
    if (o instanceof Optimizer.SGD s) {
      u = new Sgd(s, trainable, manager);
    } else if (o instanceof Optimizer.Adam a) {
      u = new Adam(trainable, manager, a.learningRate(), a.beta1(), a.beta2(), a.epsilon(), 0,
          a.amsgrad());
    } else if (o instanceof Optimizer.AdamW a) {
      u = new Adam(trainable, manager, a.learningRate(), a.beta1(), a.beta2(), a.epsilon(),
          a.weightDecay(), a.amsgrad());
    } else if (o instanceof Optimizer.RMSprop r) {
      u = new RmsProp(r, trainable, manager);
    } else if (o instanceof Optimizer.Adagrad a) {
      u = new Adagrad(a, trainable, manager);
    } else if (o instanceof Optimizer.Nadam n) {
      u = new Nadam(n, trainable, manager);
    } else if (o instanceof Optimizer.Adamax a) {
      u = new Adamax(a, trainable, manager);
    } else if (o instanceof Optimizer.Lion l) {
      u = new Lion(l, trainable, manager);
    } else if (o instanceof Optimizer.Ftrl f) {
      u = new Ftrl(f, trainable, manager);
    } else if (o instanceof Optimizer.Adafactor a) {
      u = new Adafactor(a, optimizer.schedule() != null, trainable, manager);
    } else {
      u = new Adadelta((Optimizer.Adadelta) o, trainable, manager);
    }
    u.options = o.options();
    return u;
  }

  /**
   * One update of every trainable parameter from its accumulated gradient: Keras 3's gradient
   * clipping, then decoupled weight decay, then the optimizer's rule.
   */
  final void step(NDManager stepManager) {
    iterations++;
    this.step = stepManager;
    beforeStep();
    NDArray[] grads = new NDArray[params.size()];
    double sumSquares = 0;
    for (int p = 0; p < params.size(); p++) {
      grads[p] = params.get(p).getArray().getGradient();
      grads[p].attach(stepManager);
      if (options.globalClipnorm() > 0) {
        sumSquares += grads[p].square().sum().getFloat();
      }
    }
    float globalScale = 1f;
    if (options.globalClipnorm() > 0) {
      // Keras: clip * min(1 / norm, 1 / clip); a non-finite norm makes every gradient NaN
      double norm = Math.sqrt(sumSquares);
      double clip = options.globalClipnorm();
      globalScale = Double.isFinite(norm)
          ? (float) (clip * Math.min(1 / norm, 1 / clip)) : Float.NaN;
    }
    float decay = (float) (options.weightDecay() * learningRate);
    for (int p = 0; p < params.size(); p++) {
      NDArray w = params.get(p).getArray();
      NDArray g = clip(grads[p], globalScale);
      if (decay != 0f) {
        w.subi(tmp(w.mul(decay)));
      }
      update(p, w, g);
      JniUtils.zeroGrad((PtNDArray) w);
    }
    this.step = null;
  }

  /** @return the gradient after Keras 3's clipnorm, global_clipnorm or clipvalue */
  private NDArray clip(NDArray g, float globalScale) {
    if (options.clipnorm() > 0) {
      // g * clip / max(norm, clip)
      float clip = (float) options.clipnorm();
      float norm = (float) Math.sqrt(g.square().sum().getFloat());
      return g.mul(clip / Math.max(norm, clip));
    }
    if (options.globalClipnorm() > 0) {
      return g.mul(globalScale);
    }
    if (options.clipvalue() > 0) {
      float v = (float) options.clipvalue();
      return g.clip(-v, v);
    }
    return g;
  }

  /** Called once per step after the iteration count is increased, before any update. */
  void beforeStep() {}

  /**
   * @param kind a slot kind
   * @param weight the parameter's shape
   * @return the shape of this slot of a parameter of that shape (the parameter's own by default);
   *     called from the constructor, so it must not read the subclass's fields
   */
  Shape slotShape(int kind, Shape weight) {
    return weight;
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

  /** Sets {@code dst} in place to {@code src} (exact for finite values). */
  static void assign(NDArray dst, NDArray src) {
    dst.muli(0f).addi(src);
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

  /** Keras Adam (with AMSGrad: the running maximum of v); with weight decay, AdamW's decoupled decay {@code w -= w lr wd} first. */
  static final class Adam extends Updater {
    private final double beta1;
    private final double beta2;
    private final float eps;
    private final double weightDecay;
    private final boolean amsgrad;

    Adam(List<Parameter> trainable, NDManager manager, double lr, double beta1, double beta2,
        double eps, double weightDecay, boolean amsgrad) {
      super(trainable, manager, amsgrad ? 3 : 2, 0f, lr);
      this.beta1 = beta1;
      this.beta2 = beta2;
      this.eps = (float) eps;
      this.weightDecay = weightDecay;
      this.amsgrad = amsgrad;
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
      if (amsgrad) {
        NDArray vHat = slot(2, p);
        assign(vHat, tmp(vHat.maximum(v)));
        v = vHat;
      }
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

  /** Keras 3 Nadam, see {@link Optimizer.Nadam}; the momentum schedule's product in double. */
  static final class Nadam extends Updater {
    private final double beta1;
    private final double beta2;
    private final float eps;
    private long productStep;
    private double product = 1;

    Nadam(Optimizer.Nadam o, List<Parameter> trainable, NDManager manager) {
      super(trainable, manager, 2, 0f, o.learningRate());
      beta1 = o.beta1();
      beta2 = o.beta2();
      eps = (float) o.epsilon();
    }

    private double u(long t) {
      return beta1 * (1 - 0.5 * Math.pow(0.96, t));
    }

    @Override
    void beforeStep() {
      long t = iterations();
      if (productStep != t - 1) { // a state was set: recompute the product of u_1 .. u_(t-1)
        product = 1;
        for (long i = 1; i < t; i++) {
          product *= u(i);
        }
      }
      product *= u(t);
      productStep = t;
    }

    @Override
    void update(int p, NDArray w, NDArray g) {
      long t = iterations();
      double ut = u(t);
      double ut1 = u(t + 1);
      double product1 = product * ut1;
      NDArray m = slot(0, p);
      NDArray v = slot(1, p);
      m.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
      v.muli((float) beta2).addi(g.square().muli((float) (1 - beta2)));
      NDArray mHat = tmp(m.mul((float) (ut1 / (1 - product1))))
          .addi(g.mul((float) ((1 - ut) / (1 - product))));
      NDArray denom = tmp(v.mul((float) (1 / (1 - Math.pow(beta2, t))))).sqrt().addi(eps);
      w.subi(mHat.muli(lr()).divi(denom));
    }
  }

  /** Keras Adamax: {@code m = b1 m + (1-b1) g; u = max(b2 u, |g|); w -= lr m / ((1-b1^t)(u+eps))}. */
  static final class Adamax extends Updater {
    private final double beta1;
    private final float beta2;
    private final float eps;

    Adamax(Optimizer.Adamax o, List<Parameter> trainable, NDManager manager) {
      super(trainable, manager, 2, 0f, o.learningRate());
      beta1 = o.beta1();
      beta2 = (float) o.beta2();
      eps = (float) o.epsilon();
    }

    @Override
    void update(int p, NDArray w, NDArray g) {
      NDArray m = slot(0, p);
      NDArray u = slot(1, p);
      m.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
      assign(u, tmp(u.mul(beta2)).maximum(g.abs()));
      float scale = (float) (learningRate() / (1 - Math.pow(beta1, iterations())));
      w.subi(tmp(m.mul(scale)).divi(tmp(u.add(eps))));
    }
  }

  /** Keras Lion: {@code w -= lr sign(b1 m + (1-b1) g); m = b2 m + (1-b2) g}. */
  static final class Lion extends Updater {
    private final float beta1;
    private final float beta2;

    Lion(Optimizer.Lion o, List<Parameter> trainable, NDManager manager) {
      super(trainable, manager, 1, 0f, o.learningRate());
      beta1 = (float) o.beta1();
      beta2 = (float) o.beta2();
    }

    @Override
    void update(int p, NDArray w, NDArray g) {
      NDArray m = slot(0, p);
      w.subi(tmp(m.mul(beta1)).addi(g.mul(1 - beta1)).sign().muli(lr()));
      m.muli(beta2).addi(g.mul(1 - beta2));
    }
  }

  /** Keras 3 FTRL, see {@link Optimizer.Ftrl}: slots are the accumulator and the linear term. */
  static final class Ftrl extends Updater {
    private final Optimizer.Ftrl o;

    Ftrl(Optimizer.Ftrl o, List<Parameter> trainable, NDManager manager) {
      super(trainable, manager, 2, (float) o.initialAccumulatorValue(), o.learningRate());
      this.o = o;
      for (int p = 0; p < trainable.size(); p++) {
        slot(1, p).muli(0f);
      }
    }

    @Override
    void update(int p, NDArray w, NDArray g) {
      double lr = learningRate();
      float power = (float) -o.learningRatePower();
      float l2 = (float) (o.l2RegularizationStrength() + o.beta() / (2 * lr));
      float l1 = (float) o.l1RegularizationStrength();
      NDArray accum = slot(0, p);
      NDArray linear = slot(1, p);
      NDArray gradToUse = g.add(tmp(w.mul((float) (2 * o.l2ShrinkageRegularizationStrength()))));
      NDArray newAccum = tmp(accum.add(g.square()));
      NDArray sigma = newAccum.pow(power).subi(tmp(accum.pow(power))).divi((float) lr);
      linear.addi(gradToUse.subi(sigma.muli(w)));
      NDArray quadratic = newAccum.pow(power).divi((float) lr).addi(2 * l2);
      NDArray newW = tmp(linear.clip(-l1, l1)).subi(linear).divi(quadratic);
      assign(w, newW);
      assign(accum, newAccum);
    }
  }

  /**
   * Keras 3 Adafactor, see {@link Optimizer.Adafactor}. A weight of rank &gt;= 2 keeps factored
   * second moments: Keras averages over its last axis (r) and its second-to-last (c); DJL's
   * arrays hold Keras' axes reversed (a Dense kernel (out, in), a convolution's (out, in, kh,
   * kw)), so here r averages over axis 0 and c over axis 1, which is the same factoring.
   */
  static final class Adafactor extends Updater {
    private final Optimizer.Adafactor o;
    private final boolean scheduled;

    Adafactor(Optimizer.Adafactor o, boolean scheduled, List<Parameter> trainable,
        NDManager manager) {
      super(trainable, manager, 3, 0f, o.learningRate());
      this.o = o;
      this.scheduled = scheduled;
    }

    @Override
    Shape slotShape(int kind, Shape weight) {
      int rank = weight.dimension();
      if (kind == 2) {
        return weight;
      }
      if (rank < 2) {
        return new Shape(1);
      }
      long[] d = weight.getShape();
      long[] out = new long[rank - 1];
      for (int i = 0, j = 0; i < rank; i++) {
        if (i != kind) { // r (kind 0) drops axis 0, c (kind 1) drops axis 1
          out[j++] = d[i];
        }
      }
      return new Shape(out);
    }

    private float rms(NDArray x) {
      return (float) Math.sqrt(tmp(x.square()).mean().getFloat());
    }

    @Override
    void update(int p, NDArray w, NDArray g) {
      long t = iterations();
      double lr = learningRate();
      double inv = 1 / Math.sqrt(t);
      if (!scheduled && o.relativeStep()) {
        lr = Math.min(lr, inv);
      }
      double rho = Math.min(lr, inv);
      float alpha = (float) (Math.max(o.epsilon2(), rms(w)) * rho);
      NDArray rgs = g.square().addi((float) o.epsilon1());
      float b = (float) (1 - Math.pow(t, o.beta2Decay()));
      NDArray v = slot(2, p);
      if (w.getShape().dimension() >= 2) {
        NDArray r = slot(0, p);
        NDArray c = slot(1, p);
        r.muli(b).addi(rgs.mean(new int[] {0}).muli(1 - b));
        c.muli(b).addi(rgs.mean(new int[] {1}).muli(1 - b));
        NDArray rn = tmp(r.div(tmp(r.mean(new int[] {0}, true))));
        assign(v, tmp(rn.expandDims(0).mul(tmp(c.expandDims(1)))));
      } else {
        v.muli(b).addi(rgs.muli(1 - b));
      }
      NDArray u = g.div(tmp(v.sqrt()));
      float scale = (float) Math.max(1, rms(u) / o.clipThreshold());
      w.subi(u.muli(alpha / scale));
    }
  }
}
