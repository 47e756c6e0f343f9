package dev.sparkdl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * An LSTM layer written with NDArray operations (PyTorch's autograd differentiates it): DJL
 * 0.36's PyTorch LSTM binding returned zeros for inputs its GRU and RNN bindings handle
 * correctly, so the LSTM is computed here. Input {@code (batch, steps, features)}, output every
 * step's hidden state {@code (batch, steps, units)}. Parameters as PyTorch's: {@code W_ih (4u,
 * in), W_hh (4u, u), b_ih, b_hh}, gates in the order input, forget, cell, output.
 */
final class LstmBlock extends AbstractBlock {
  private static final byte VERSION = 1;
  private final int units;
  private final Parameter wih;
  private final Parameter whh;
  private final Parameter bih;
  private final Parameter bhh;

  LstmBlock(int units, int inputSize) {
    super(VERSION);
    this.units = units;
    int rows = 4 * units;
    wih = addParameter(param("w_ih", Parameter.Type.WEIGHT, new Shape(rows, inputSize)));
    whh = addParameter(param("w_hh", Parameter.Type.WEIGHT, new Shape(rows, units)));
    bih = addParameter(param("b_ih", Parameter.Type.BIAS, new Shape(rows)));
    bhh = addParameter(param("b_hh", Parameter.Type.BIAS, new Shape(rows)));
  }

  private static Parameter param(String name, Parameter.Type type, Shape shape) {
    return Parameter.builder().setName(name).setType(type).optShape(shape).build();
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray wi = store.getValue(wih, x.getDevice(), training);
    NDArray wh = store.getValue(whh, x.getDevice(), training);
    NDArray b = store.getValue(bih, x.getDevice(), training)
        .add(store.getValue(bhh, x.getDevice(), training));
    long batch = x.getShape().get(0);
    long steps = x.getShape().get(1);
    NDArray projected = x.matMul(wi.transpose()).add(b); // (batch, steps, 4u)
    NDArray whT = wh.transpose();
    NDArray h = x.getManager().zeros(new Shape(batch, units));
    NDArray c = x.getManager().zeros(new Shape(batch, units));
    NDList outputs = new NDList();
    String u1 = String.valueOf(units);
    String u2 = String.valueOf(2 * units);
    String u3 = String.valueOf(3 * units);
    for (long t = 0; t < steps; t++) {
      NDArray gates = projected.get(":, " + t + ", :").add(h.matMul(whT));
      NDArray i = gates.get(":, 0:" + u1).getNDArrayInternal().sigmoid();
      NDArray f = gates.get(":, " + u1 + ":" + u2).getNDArrayInternal().sigmoid();
      NDArray g = gates.get(":, " + u2 + ":" + u3).tanh();
      NDArray o = gates.get(":, " + u3 + ":").getNDArrayInternal().sigmoid();
      c = f.mul(c).add(i.mul(g));
      h = o.mul(c.tanh());
      outputs.add(h);
    }
    return new NDList(NDArrays.stack(outputs, 1));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {new Shape(in.get(0), in.get(1), units)};
  }
}
