package dev.sparkdl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.sparkdl.spec.Recurrent;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Keras' SimpleRNN, GRU and LSTM in every form Keras computes, written with NDArray operations:
 * any activation and recurrent activation, with or without biases, GRU's reset gate before
 * ({@code reset_after=False}) or after the recurrent product, {@code go_backwards}, and dropout on
 * the inputs and on the fed-back state (one mask per sequence, drawn from the network's seeded
 * generator, while training only, as Keras 3 does). Used when a layer is not exactly what
 * PyTorch's fused kernels compute.
 *
 * <p>Input {@code (batch, steps, features)}, output every step's state {@code (batch, steps,
 * units)} (in processing order: reversed when going backwards, as Keras returns it). Parameters
 * as PyTorch's: {@code W_ih (G·u, in), W_hh (G·u, u)}, and {@code b_ih, b_hh (G·u)} with biases;
 * gates ordered i, f, g, o (LSTM) and r, z, n (GRU). With {@code reset_after=False} both GRU
 * biases act as one (Keras' single bias).
 *
 * <p>With Keras' mask ({@code Embedding(mask_zero=True)}), as Keras' RNN loop: at a masked step
 * the state (h, and c for LSTM) is carried over unchanged, and the step's output is the carried
 * state, or zeros with {@code zero_output_for_mask} (which Bidirectional sets when it returns
 * sequences). Going backwards reads the mask backwards with the steps.
 */
final class RecurrentBlock extends AbstractBlock {
  private static final byte VERSION = 1;
  private final Recurrent spec;
  private final Supplier<SplittableRandom> random;
  private final Parameter wih;
  private final Parameter whh;
  private final Parameter bih;
  private final Parameter bhh;
  private final SequenceMask sequenceMask;
  private final boolean zeroOutputForMask;

  RecurrentBlock(Recurrent spec, int inputSize, Supplier<SplittableRandom> random) {
    this(spec, inputSize, random, null, false);
  }

  /**
   * @param sequenceMask the network's mask when this layer receives one, else null
   * @param zeroOutputForMask Keras' {@code zero_output_for_mask}: zeros, not the carried state,
   *     as the output of masked steps
   */
  RecurrentBlock(Recurrent spec, int inputSize, Supplier<SplittableRandom> random,
      SequenceMask sequenceMask, boolean zeroOutputForMask) {
    super(VERSION);
    this.spec = spec;
    this.random = random;
    this.sequenceMask = sequenceMask;
    this.zeroOutputForMask = zeroOutputForMask;
    int rows = spec.gates() * spec.units();
    wih = addParameter(param("w_ih", Parameter.Type.WEIGHT, new Shape(rows, inputSize)));
    whh = addParameter(param("w_hh", Parameter.Type.WEIGHT, new Shape(rows, spec.units())));
    if (spec.useBias()) {
      bih = addParameter(param("b_ih", Parameter.Type.BIAS, new Shape(rows)));
      bhh = addParameter(param("b_hh", Parameter.Type.BIAS, new Shape(rows)));
    } else {
      bih = null;
      bhh = null;
    }
  }

  private static Parameter param(String name, Parameter.Type type, Shape shape) {
    return Parameter.builder().setName(name).setType(type).optShape(shape).build();
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    int u = spec.units();
    long batch = x.getShape().get(0);
    long steps = x.getShape().get(1);
    if (training && spec.dropout() > 0) {
      x = x.mul(mask(x, new Shape(batch, 1, x.getShape().get(2)), spec.dropout()));
    }
    NDArray stateMask = training && spec.recurrentDropout() > 0
        ? mask(x, new Shape(batch, u), spec.recurrentDropout()) : null;
    NDArray wi = store.getValue(wih, x.getDevice(), training);
    NDArray whT = store.getValue(whh, x.getDevice(), training).transpose();
    NDArray bi = bih == null ? null : store.getValue(bih, x.getDevice(), training);
    NDArray bh = bhh == null ? null : store.getValue(bhh, x.getDevice(), training);
    boolean gru = "GRU".equals(spec.kind());
    boolean separate = gru && spec.resetAfter();
    NDArray projected = x.matMul(wi.transpose()); // (batch, steps, G·u)
    if (bi != null) {
      projected = projected.add(separate ? bi : bi.add(bh));
    }
    NDArray h = x.getManager().zeros(new Shape(batch, u));
    NDArray c = "LSTM".equals(spec.kind()) ? x.getManager().zeros(new Shape(batch, u)) : null;
    String act = spec.activation();
    String rec = spec.recurrentActivation();
    NDList outputs = new NDList();
    NDArray keras = sequenceMask == null ? null : sequenceMask.get();
    for (long s = 0; s < steps; s++) {
      long t = spec.goBackwards() ? steps - 1 - s : s;
      NDArray xt = projected.get(":, " + t + ", :");
      NDArray hIn = stateMask == null ? h : h.mul(stateMask);
      NDArray hPrev = h;
      NDArray cPrev = c;
      switch (spec.kind()) {
        case "LSTM" -> {
          NDArray gates = xt.add(hIn.matMul(whT));
          NDArray i = ActivationFunctions.apply(rec, gates.get(":, 0:" + u));
          NDArray f = ActivationFunctions.apply(rec, gates.get(":, " + u + ":" + 2 * u));
          NDArray g = ActivationFunctions.apply(act, gates.get(":, " + 2 * u + ":" + 3 * u));
          NDArray o = ActivationFunctions.apply(rec, gates.get(":, " + 3 * u + ":"));
          c = f.mul(c).add(i.mul(g));
          h = o.mul(ActivationFunctions.apply(act, c));
        }
        case "GRU" -> {
          NDArray whRz = whT.get(":, 0:" + 2 * u);
          NDArray whN = whT.get(":, " + 2 * u + ":");
          NDArray recRz = hIn.matMul(whRz);
          NDArray r;
          NDArray z;
          NDArray n;
          if (separate) {
            NDArray recN = hIn.matMul(whN);
            if (bh != null) {
              recRz = recRz.add(bh.get("0:" + 2 * u));
              recN = recN.add(bh.get(2 * u + ":"));
            }
            r = ActivationFunctions.apply(rec, xt.get(":, 0:" + u).add(recRz.get(":, 0:" + u)));
            z = ActivationFunctions.apply(rec, xt.get(":, " + u + ":" + 2 * u)
                .add(recRz.get(":, " + u + ":")));
            n = ActivationFunctions.apply(act, xt.get(":, " + 2 * u + ":").add(r.mul(recN)));
          } else {
            r = ActivationFunctions.apply(rec, xt.get(":, 0:" + u).add(recRz.get(":, 0:" + u)));
            z = ActivationFunctions.apply(rec, xt.get(":, " + u + ":" + 2 * u)
                .add(recRz.get(":, " + u + ":")));
            n = ActivationFunctions.apply(act, xt.get(":, " + 2 * u + ":")
                .add(r.mul(hIn).matMul(whN)));
          }
          h = z.mul(h).add(z.neg().add(1f).mul(n));
        }
        default -> h = ActivationFunctions.apply(act, xt.add(hIn.matMul(whT)));
      }
      if (keras != null) {
        // m is 0 or 1, so m·new + (1 - m)·old is exactly one of the two
        NDArray m = keras.get(":, " + t).expandDims(1);
        NDArray off = m.neg().add(1f);
        NDArray stepped = h.mul(m);
        h = stepped.add(hPrev.mul(off));
        if (c != null) {
          c = c.mul(m).add(cPrev.mul(off));
        }
        outputs.add(zeroOutputForMask ? stepped : h);
        continue;
      }
      outputs.add(h);
    }
    return new NDList(NDArrays.stack(outputs, 1));
  }

  private NDArray mask(NDArray like, Shape shape, double rate) {
    int n = Math.toIntExact(shape.size());
    float[] m = new float[n];
    float keep = (float) (1 / (1 - rate));
    SplittableRandom rnd = random.get();
    for (int i = 0; i < n; i++) {
      if (rnd.nextDouble() >= rate) {
        m[i] = keep;
      }
    }
    return like.getManager().create(m, shape);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {new Shape(in.get(0), in.get(1), spec.units())};
  }
}
