package dev.sparkdl.engine;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.initializer.Initializer;
import dev.sparkdl.spec.Activation;
import dev.sparkdl.spec.BatchNormalization;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Dropout;
import dev.sparkdl.spec.Flatten;
import dev.sparkdl.spec.LayerSpec;
import dev.sparkdl.spec.LayerTypes;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.spec.SpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The one place where specs become DJL blocks. Adding a layer type means one case here (and its
 * spec record, round-trip and shape tests).
 *
 * <p>The network's final activation is split off as the "head": the body outputs pre-activation
 * values (logits), the loss works on them (log-softmax, log-sigmoid: numerically stable), and
 * prediction applies the head.
 */
final class NetworkBuilder {

  /** A built, initialised body with its head activation and parameter descriptions. */
  record Built(SequentialBlock body, String head, List<Parameter> params, List<ParamInfo> infos) {}

  private NetworkBuilder() {}

  static Built build(
      Sequential spec, List<Integer> inputShape, NDManager manager, Supplier<SplittableRandom> rnd) {
    spec.layerOutputShapes(inputShape); // fails early, naming the layer, for impossible shapes
    SequentialBlock body = new SequentialBlock();
    List<Block> blocks = new ArrayList<>();
    List<Integer> owners = new ArrayList<>();
    List<LayerSpec> layers = spec.layers();
    String head = "linear";
    List<Integer> shape = inputShape;
    for (int i = 0; i < layers.size(); i++) {
      LayerSpec layer = layers.get(i);
      boolean last = i == layers.size() - 1;
      if (layer instanceof Dense d) {
        add(body, blocks, owners, Linear.builder().setUnits(d.units()).optBias(d.useBias()).build(), i);
        if (last) {
          head = d.activation();
        } else if (!"linear".equals(d.activation())) {
          body.add(activation(d.activation()));
        }
      } else if (layer instanceof Activation a) {
        if (last) {
          head = a.activation();
        } else {
          body.add(activation(a.activation()));
        }
      } else if (layer instanceof Dropout d) {
        body.add(new DropoutBlock((float) d.rate(), rnd));
      } else if (layer instanceof BatchNormalization b) {
        Block bn =
            BatchNorm.builder()
                .optAxis(shape.size()) // the last axis of (batch, ...)
                .optMomentum((float) b.momentum())
                .optEpsilon((float) b.epsilon())
                .build();
        add(body, blocks, owners, bn, i);
      } else if (layer instanceof Flatten) {
        body.add(Blocks.batchFlattenBlock());
      } else {
        throw new SpecException(
            "Layer " + i + " (" + layer.className() + ") has no engine implementation. Known"
                + " layers: " + String.join(", ", LayerTypes.names()) + ".");
      }
      shape = layer.outputShape(shape);
    }
    body.setInitializer(Initializer.ZEROS, p -> true);
    long[] dims = new long[inputShape.size() + 1];
    dims[0] = 1;
    for (int i = 0; i < inputShape.size(); i++) {
      dims[i + 1] = inputShape.get(i);
    }
    body.initialize(manager, DataType.FLOAT32, new Shape(dims));

    List<Parameter> params = new ArrayList<>();
    List<ParamInfo> infos = new ArrayList<>();
    for (int b = 0; b < blocks.size(); b++) {
      int layerIndex = owners.get(b);
      LayerSpec owner = layers.get(layerIndex);
      String prefix = layerIndex + "_" + snake(owner.className()) + "/";
      for (Parameter p : blocks.get(b).getParameters().values()) {
        params.add(p);
        infos.add(describe(prefix, owner, p));
      }
    }
    return new Built(body, head, params, infos);
  }

  private static void add(
      SequentialBlock body, List<Block> blocks, List<Integer> owners, Block block, int layer) {
    body.add(block);
    blocks.add(block);
    owners.add(layer);
  }

  private static ParamInfo describe(String prefix, LayerSpec owner, Parameter p) {
    long[] djl = p.getArray().getShape().getShape();
    int[] keras = new int[djl.length];
    for (int i = 0; i < djl.length; i++) {
      keras[i] = Math.toIntExact(djl[i]);
    }
    String n = p.getName();
    if (owner instanceof Dense d) {
      if ("weight".equals(n)) {
        return new ParamInfo(prefix + "kernel", new int[] {keras[1], keras[0]}, djl, true,
            d.kernelInitializer(), true);
      }
      return new ParamInfo(prefix + "bias", keras, djl, false, d.biasInitializer(), true);
    }
    return switch (n) {
      case "gamma" -> new ParamInfo(prefix + "gamma", keras, djl, false, "ones", true);
      case "beta" -> new ParamInfo(prefix + "beta", keras, djl, false, "zeros", true);
      case "runningMean" -> new ParamInfo(prefix + "moving_mean", keras, djl, false, "zeros", false);
      case "runningVar" ->
          new ParamInfo(prefix + "moving_variance", keras, djl, false, "ones", false);
      default -> throw new IllegalStateException("unexpected parameter " + n + " of " + owner);
    };
  }

  private static Block activation(String name) {
    return new LambdaBlock(
        list -> new NDList(ActivationFunctions.apply(name, list.singletonOrThrow())), name);
  }

  static String snake(String cls) {
    return cls.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }
}
