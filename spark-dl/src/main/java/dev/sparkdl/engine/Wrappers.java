package dev.sparkdl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import dev.sparkdl.spec.Bidirectional;
import dev.sparkdl.spec.LayerTypes;
import dev.sparkdl.spec.Recurrent;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.spec.TimeDistributed;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The blocks of Keras' wrappers Bidirectional and TimeDistributed. */
final class Wrappers {
  private Wrappers() {}

  /**
   * Two branches over {@code (batch, steps, features)}: each runs its recurrent layer forwards
   * over the sequence, reversed first where the layer has {@code go_backwards} (its outputs then
   * in reading order, as Keras'), keeps the last step unless it returns sequences, and the
   * backward branch's sequence is reversed back, as Keras' Bidirectional does; then the merge.
   * Two weight parts, forward then backward, as Keras orders them.
   *
   * <p>With Keras' mask ({@code masks} not null) each branch is {@link RecurrentBlock}, which
   * reads the steps and the mask backwards itself where the layer goes backwards, and, as
   * Keras' Bidirectional sets {@code zero_output_for_mask} when returning sequences, outputs
   * zeros at masked steps then.
   */
  static void bidirectional(SequentialBlock body, List<NetworkBuilder.Part> parts, int i,
      Bidirectional b, List<Integer> shape, Supplier<SplittableRandom> rnd, SequenceMask masks) {
    Recurrent[] directions = {b.layer(), b.backwardLayer()};
    String[] tags = {"forward_", "backward_"};
    List<Block> branches = new ArrayList<>();
    for (int d = 0; d < 2; d++) {
      int dir = d;
      Recurrent r = directions[d];
      SequentialBlock branch = new SequentialBlock();
      // each branch starts with its own list: DJL's GRU and RNN blocks append their initial
      // state to the list they are given, which the other branch would then receive
      boolean flip = r.goBackwards() && masks == null;
      branch.add(flip ? NetworkBuilder.lambda(x -> x.flip(1), "reverse")
          : NetworkBuilder.lambda(x -> x, "inputs"));
      NetworkBuilder.recurrent(branch, parts, i,
          r.goBackwards(r.goBackwards() && !flip).returnSequences(true), shape, rnd, masks,
          r.returnSequences());
      NetworkBuilder.Part p = parts.remove(parts.size() - 1);
      String tag = tags[d] + LayerTypes.snakeCase(r.kind()) + "/";
      List<KerasWeight> keras = new ArrayList<>();
      for (KerasWeight w : p.keras()) {
        keras.add(new KerasWeight(tag + w.name(), w.shape(), w.initializer()));
      }
      parts.add(new NetworkBuilder.Part(i, p.block(), keras, p.converter(),
          p.names().stream().map(n -> tags[dir] + n).toList()));
      if (!r.returnSequences()) {
        branch.add(NetworkBuilder.lambda(x -> x.get(":, -1, :"), "last_step"));
      } else if (d == 1) {
        branch.add(NetworkBuilder.lambda(x -> x.flip(1), "reverse"));
      }
      branches.add(branch);
    }
    String mode = b.mergeMode();
    body.add(new ParallelBlock(outs -> {
      NDArray y = outs.get(0).singletonOrThrow();
      NDArray yRev = outs.get(1).singletonOrThrow();
      NDArray merged = switch (mode) {
        case "sum" -> y.add(yRev);
        case "mul" -> y.mul(yRev);
        case "ave" -> y.add(yRev).div(2f);
        default -> y.concat(yRev, y.getShape().dimension() - 1);
      };
      return new NDList(merged);
    }, branches));
  }

  /**
   * The inner layer built as a network of its own on one step's shape, between reshapes that
   * fold the time axis into the batch and back: {@code (batch, steps, ...)} to {@code (batch *
   * steps, ...)} and back. One weight part: the inner layer's arrays in its own Keras order.
   */
  static void timeDistributed(SequentialBlock body, List<NetworkBuilder.Part> parts, int i,
      TimeDistributed t, List<Integer> shape, NDManager manager, Supplier<SplittableRandom> rnd,
      BooleanSupplier sampling) {
    List<Integer> step = shape.subList(1, shape.size());
    NetworkBuilder.Built inner = NetworkBuilder.build(
        new Sequential(List.of(t.layer()), List.copyOf(step)), step, manager, rnd, sampling);
    List<Integer> stepOut = t.layer().outputShape(step);
    body.add(NetworkBuilder.lambda(x -> x.reshape(NetworkBuilder.batched(-1, step)),
        "fold_time"));
    body.add(inner.body());
    String head = inner.head();
    if (!"linear".equals(head)) {
      body.add(NetworkBuilder.lambda(x -> ActivationFunctions.apply(head, x), head));
    }
    long[] back = new long[stepOut.size() + 2];
    back[0] = -1;
    back[1] = shape.get(0);
    for (int a = 0; a < stepOut.size(); a++) {
      back[a + 2] = stepOut.get(a);
    }
    body.add(NetworkBuilder.lambda(x -> x.reshape(new Shape(back)), "unfold_time"));
    if (inner.params().isEmpty()) {
      return;
    }
    List<KerasWeight> keras = new ArrayList<>();
    for (LayerWeights l : inner.layers()) {
      keras.addAll(l.keras());
    }
    parts.add(new NetworkBuilder.Part(i, inner.body(), keras,
        new WeightConverter.Concat(inner.layers()),
        inner.infos().stream().map(ParamInfo::name).toList()));
  }
}
