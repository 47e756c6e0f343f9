package dev.sparkdl.engine;

import dev.sparkdl.spec.Optimizer;

/** Keras 3's optimizer update rules in plain double arithmetic, the reference for the engine. */
final class KerasReference {
  private final Optimizer o;
  private final double[][] s;
  private long t;

  KerasReference(Optimizer o, int n) {
    this.o = o;
    this.s = new double[3][n];
    if (o instanceof Optimizer.Adagrad a) {
      java.util.Arrays.fill(s[0], a.initialAccumulatorValue());
    }
  }

  void step(double[] w, double[] g) {
    t++;
    for (int i = 0; i < w.length; i++) {
      if (o instanceof Optimizer.SGD sgd) {
        double lr = sgd.learningRate();
        double m = sgd.momentum();
        if (m == 0) {
          w[i] -= lr * g[i];
        } else {
          s[0][i] = m * s[0][i] - lr * g[i];
          w[i] += sgd.nesterov() ? m * s[0][i] - lr * g[i] : s[0][i];
        }
      } else if (o instanceof Optimizer.Adam a) {
        adam(w, g, i, a.learningRate(), a.beta1(), a.beta2(), a.epsilon(), 0);
      } else if (o instanceof Optimizer.AdamW a) {
        adam(w, g, i, a.learningRate(), a.beta1(), a.beta2(), a.epsilon(), a.weightDecay());
      } else if (o instanceof Optimizer.RMSprop r) {
        s[0][i] = r.rho() * s[0][i] + (1 - r.rho()) * g[i] * g[i];
        double denom = s[0][i];
        if (r.centered()) {
          s[1][i] = r.rho() * s[1][i] + (1 - r.rho()) * g[i];
          denom -= s[1][i] * s[1][i];
        }
        double inc = r.learningRate() * g[i] / Math.sqrt(denom + r.epsilon());
        if (r.momentum() > 0) {
          s[2][i] = r.momentum() * s[2][i] + inc;
          w[i] -= s[2][i];
        } else {
          w[i] -= inc;
        }
      } else if (o instanceof Optimizer.Adagrad a) {
        s[0][i] += g[i] * g[i];
        w[i] -= a.learningRate() * g[i] / Math.sqrt(s[0][i] + a.epsilon());
      } else if (o instanceof Optimizer.Adadelta a) {
        double rho = a.rho();
        double eps = a.epsilon();
        s[0][i] = rho * s[0][i] + (1 - rho) * g[i] * g[i];
        double d = Math.sqrt(s[1][i] + eps) / Math.sqrt(s[0][i] + eps) * g[i];
        s[1][i] = rho * s[1][i] + (1 - rho) * d * d;
        w[i] -= a.learningRate() * d;
      }
    }
  }

  private void adam(double[] w, double[] g, int i, double lr, double b1, double b2, double eps,
      double wd) {
    if (wd != 0) {
      w[i] -= w[i] * wd * lr;
    }
    s[0][i] += (g[i] - s[0][i]) * (1 - b1);
    s[1][i] += (g[i] * g[i] - s[1][i]) * (1 - b2);
    double alpha = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
    w[i] -= alpha * s[0][i] / (Math.sqrt(s[1][i]) + eps);
  }

  // ----- per variable (Keras layout), with Keras 3's clipping and weight decay -----

  private double[][][] vs;
  private int[][] shapes;
  private double nadamProduct = 1;

  /**
   * A reference over several variables, each updated as Keras 3 does: clipping, weight decay,
   * then the rule (the new optimizers and Adam's AMSGrad).
   *
   * @param o the optimizer
   * @param shapes each variable's Keras shape
   */
  KerasReference(Optimizer o, int[][] shapes) {
    this.o = o;
    this.s = null;
    this.shapes = shapes;
    vs = new double[shapes.length][4][];
    for (int k = 0; k < shapes.length; k++) {
      int n = 1;
      for (int d : shapes[k]) {
        n *= d;
      }
      for (int j = 0; j < 4; j++) {
        vs[k][j] = new double[n];
      }
      if (o instanceof Optimizer.Ftrl f) {
        java.util.Arrays.fill(vs[k][0], f.initialAccumulatorValue());
      }
    }
  }

  /**
   * One step of every variable.
   *
   * @param w the variables, row-major in Keras' shape
   * @param g their gradients (clipped here, as Keras does)
   */
  void step(double[][] w, double[][] g) {
    t++;
    Optimizer.GradientOptions opt = o.options();
    double lr = o.learningRate();
    if (opt.globalClipnorm() > 0) {
      double ss = 0;
      for (double[] a : g) {
        for (double x : a) {
          ss += x * x;
        }
      }
      double scale = opt.globalClipnorm() * Math.min(1 / Math.sqrt(ss), 1 / opt.globalClipnorm());
      for (double[] a : g) {
        for (int i = 0; i < a.length; i++) {
          a[i] *= scale;
        }
      }
    }
    for (double[] a : g) {
      if (opt.clipnorm() > 0) {
        double ss = 0;
        for (double x : a) {
          ss += x * x;
        }
        double f = opt.clipnorm() / Math.max(Math.sqrt(ss), opt.clipnorm());
        for (int i = 0; i < a.length; i++) {
          a[i] *= f;
        }
      }
      if (opt.clipvalue() > 0) {
        for (int i = 0; i < a.length; i++) {
          a[i] = Math.max(-opt.clipvalue(), Math.min(opt.clipvalue(), a[i]));
        }
      }
    }
    for (double[] a : w) {
      for (int i = 0; i < a.length; i++) {
        a[i] -= a[i] * opt.weightDecay() * lr;
      }
    }
    if (o instanceof Optimizer.Nadam n) {
      nadamProduct *= nadamU(n.beta1(), t);
    }
    for (int k = 0; k < w.length; k++) {
      update(k, w[k], g[k], lr);
    }
  }

  private static double nadamU(double b1, long t) {
    return b1 * (1 - 0.5 * Math.pow(0.96, t));
  }

  private void update(int k, double[] w, double[] g, double lr) {
    double[][] st = vs[k];
    if (o instanceof Optimizer.Adam a) {
      double alpha = lr * Math.sqrt(1 - Math.pow(a.beta2(), t)) / (1 - Math.pow(a.beta1(), t));
      for (int i = 0; i < w.length; i++) {
        st[0][i] += (g[i] - st[0][i]) * (1 - a.beta1());
        st[1][i] += (g[i] * g[i] - st[1][i]) * (1 - a.beta2());
        double v = st[1][i];
        if (a.amsgrad()) {
          st[2][i] = Math.max(st[2][i], v);
          v = st[2][i];
        }
        w[i] -= alpha * st[0][i] / (Math.sqrt(v) + a.epsilon());
      }
    } else if (o instanceof Optimizer.SGD sgd) {
      for (int i = 0; i < w.length; i++) {
        st[0][i] = sgd.momentum() * st[0][i] - lr * g[i];
        w[i] += sgd.nesterov() ? sgd.momentum() * st[0][i] - lr * g[i] : st[0][i];
      }
    } else if (o instanceof Optimizer.Nadam n) {
      double ut = nadamU(n.beta1(), t);
      double ut1 = nadamU(n.beta1(), t + 1);
      double p1 = nadamProduct * ut1;
      for (int i = 0; i < w.length; i++) {
        st[0][i] += (g[i] - st[0][i]) * (1 - n.beta1());
        st[1][i] += (g[i] * g[i] - st[1][i]) * (1 - n.beta2());
        double mHat = ut1 * st[0][i] / (1 - p1) + (1 - ut) * g[i] / (1 - nadamProduct);
        double vHat = st[1][i] / (1 - Math.pow(n.beta2(), t));
        w[i] -= mHat * lr / (Math.sqrt(vHat) + n.epsilon());
      }
    } else if (o instanceof Optimizer.Adamax a) {
      for (int i = 0; i < w.length; i++) {
        st[0][i] += (g[i] - st[0][i]) * (1 - a.beta1());
        st[1][i] = Math.max(a.beta2() * st[1][i], Math.abs(g[i]));
        w[i] -= lr * st[0][i] / ((1 - Math.pow(a.beta1(), t)) * (st[1][i] + a.epsilon()));
      }
    } else if (o instanceof Optimizer.Lion l) {
      for (int i = 0; i < w.length; i++) {
        w[i] -= lr * Math.signum(st[0][i] * l.beta1() + g[i] * (1 - l.beta1()));
        st[0][i] = st[0][i] * l.beta2() + g[i] * (1 - l.beta2());
      }
    } else if (o instanceof Optimizer.Ftrl f) {
      double p = f.learningRatePower();
      double l2 = f.l2RegularizationStrength() + f.beta() / (2 * lr);
      double l1 = f.l1RegularizationStrength();
      for (int i = 0; i < w.length; i++) {
        double gradToUse = g[i] + 2 * f.l2ShrinkageRegularizationStrength() * w[i];
        double newAccum = st[0][i] + g[i] * g[i];
        st[1][i] += gradToUse - (Math.pow(newAccum, -p) - Math.pow(st[0][i], -p)) / lr * w[i];
        double quadratic = Math.pow(newAccum, -p) / lr + 2 * l2;
        double clipped = Math.max(-l1, Math.min(l1, st[1][i]));
        w[i] = (clipped - st[1][i]) / quadratic;
        st[0][i] = newAccum;
      }
    } else if (o instanceof Optimizer.Adafactor a) {
      adafactor(k, w, g, lr, a);
    } else {
      throw new IllegalArgumentException("no per-variable reference for " + o);
    }
  }

  private void adafactor(int k, double[] w, double[] g, double lr, Optimizer.Adafactor a) {
    double[][] st = vs[k];
    double inv = 1 / Math.sqrt(t);
    if (a.relativeStep()) {
      lr = Math.min(lr, inv);
    }
    double rho = Math.min(lr, inv);
    double alpha = Math.max(a.epsilon2(), rms(w)) * rho;
    double b = 1 - Math.pow(t, a.beta2Decay());
    double[] v = st[2];
    int rank = shapes[k].length;
    if (rank >= 2) {
      // Keras factors over the last two axes; the leading ones are a batch of matrices
      int rows = shapes[k][rank - 2];
      int cols = shapes[k][rank - 1];
      int batch = w.length / (rows * cols);
      for (int q = 0; q < batch; q++) {
        int o = q * rows * cols;
        double[] r = st[0];
        double[] c = st[1];
        for (int i = 0; i < rows; i++) {
          double mean = 0;
          for (int j = 0; j < cols; j++) {
            mean += (g[o + i * cols + j] * g[o + i * cols + j] + a.epsilon1()) / cols;
          }
          r[q * rows + i] = b * r[q * rows + i] + (1 - b) * mean;
        }
        for (int j = 0; j < cols; j++) {
          double mean = 0;
          for (int i = 0; i < rows; i++) {
            mean += (g[o + i * cols + j] * g[o + i * cols + j] + a.epsilon1()) / rows;
          }
          c[q * cols + j] = b * c[q * cols + j] + (1 - b) * mean;
        }
        double rMean = 0;
        for (int i = 0; i < rows; i++) {
          rMean += r[q * rows + i] / rows;
        }
        for (int i = 0; i < rows; i++) {
          for (int j = 0; j < cols; j++) {
            v[o + i * cols + j] = r[q * rows + i] / rMean * c[q * cols + j];
          }
        }
      }
    } else {
      for (int i = 0; i < w.length; i++) {
        v[i] = b * v[i] + (1 - b) * (g[i] * g[i] + a.epsilon1());
      }
    }
    double[] u = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      u[i] = g[i] / Math.sqrt(v[i]);
    }
    double scale = Math.max(1, rms(u) / a.clipThreshold());
    for (int i = 0; i < w.length; i++) {
      w[i] -= alpha * u[i] / scale;
    }
  }

  private static double rms(double[] x) {
    double ss = 0;
    for (double d : x) {
      ss += d * d;
    }
    return Math.sqrt(ss / x.length);
  }
}
