package dev.sparkdl.engine;

import dev.sparkdl.spec.Optimizer;

/** Keras 3's optimizer update rules in plain double arithmetic, the reference for the engine. */
final class KerasReference {
  private final Optimizer o;
  private final double[][] s;
  private int t;

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
}
