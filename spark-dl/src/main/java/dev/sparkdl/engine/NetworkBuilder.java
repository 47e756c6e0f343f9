package dev.sparkdl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.nn.recurrent.GRU;
import ai.djl.nn.recurrent.RNN;
import ai.djl.training.initializer.Initializer;
import dev.sparkdl.spec.Activation;
import dev.sparkdl.spec.ActivationLayer;
import dev.sparkdl.spec.OutputHead;
import dev.sparkdl.spec.BatchNormalization;
import dev.sparkdl.spec.Conv1D;
import dev.sparkdl.spec.Bidirectional;
import dev.sparkdl.spec.Conv2D;
import dev.sparkdl.spec.Cropping;
import dev.sparkdl.spec.Conv2DTranspose;
import dev.sparkdl.spec.DepthwiseConv2D;
import dev.sparkdl.spec.SeparableConv;
import dev.sparkdl.spec.TimeDistributed;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Dropout;
import dev.sparkdl.spec.Embedding;
import dev.sparkdl.spec.Flatten;
import dev.sparkdl.spec.GlobalPooling;
import dev.sparkdl.spec.LayerNormalization;
import dev.sparkdl.spec.MaskChain;
import dev.sparkdl.spec.LayerSpec;
import dev.sparkdl.spec.NoiseLayer;
import dev.sparkdl.spec.PReLU;
import dev.sparkdl.spec.Permute;
import dev.sparkdl.spec.LayerTypes;
import dev.sparkdl.spec.Pooling;
import dev.sparkdl.spec.Recurrent;
import dev.sparkdl.spec.RepeatVector;
import dev.sparkdl.spec.Rescaling;
import dev.sparkdl.spec.Reshape;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.spec.Shapes;
import dev.sparkdl.spec.SpecException;
import dev.sparkdl.spec.UpSampling;
import dev.sparkdl.spec.WeightRules;
import dev.sparkdl.spec.ZeroPadding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one place where specs become DJL blocks. Adding a layer type means one case here (and its
 * spec record, round-trip and shape tests); custom layers come through {@link LayerBuilder}.
 *
 * <p>Keras computes channels-last; DJL's (PyTorch's) convolution and pooling kernels want
 * channels-first. Inputs stay channels-last between layers ({@code (batch, h, w, c)}, {@code
 * (batch, steps, c)}), and each convolution or pooling layer transposes to channels-first and
 * back around its kernel, so Flatten, Dense and saved weights see Keras' layout. Keras' 'same'
 * padding, which may put one more row after than before, and Conv1D's 'causal' padding are
 * padded explicitly. A layer with Keras' {@code data_format='channels_first'} gets {@code
 * (batch, channels, spatial...)} and is wrapped in transposes to channels-last and back.
 *
 * <p>The network's final activation is split off as the "head": the body outputs pre-activation
 * values (logits), the loss works on them, and prediction applies the head.
 */
final class NetworkBuilder {
  private static final int[] DENSE_AXES = {1, 0};
  private static final int[] CONV1D_AXES = {2, 1, 0};
  private static final int[] CONV2D_AXES = {3, 2, 0, 1};
  private static final Map<String, LayerBuilder> CUSTOM = new HashMap<>();

  static {
    for (LayerBuilder b : ServiceLoader.load(LayerBuilder.class)) {
      CUSTOM.put(b.className(), b);
    }
  }

  /** A built, initialised body with its head activation and parameter descriptions. */
  record Built(SequentialBlock body, String head, String outputActivation,
      List<Parameter> params, List<ParamInfo> infos, List<LayerWeights> layers,
      List<NormLayer> norms, WeightPenalties penalties) {}

  /**
   * A BatchNormalization layer: its block's position among the body's children and the
   * indices of its moving statistics in the parameter list, Keras' momentum, and the values
   * each sample contributes per channel (the product of the spatial axes).
   */
  record NormLayer(int child, int meanParam, int varianceParam, double momentum,
      int valuesPerSample) {}

  /** A layer's block and, once initialised, how its parameters map to Keras. */
  record Part(int layer, Block block, List<KerasWeight> keras,
      WeightConverter converter, List<String> names) {}

  private NetworkBuilder() {}

  static Built build(
      Sequential spec, List<Integer> inputShape, NDManager manager, Supplier<SplittableRandom> rnd,
      java.util.function.BooleanSupplier sampling) {
    spec.layerOutputShapes(inputShape); // fails early, naming the layer, for impossible shapes
    boolean[] maskedIn = MaskChain.check(spec.layers()); // Embedding(mask_zero)'s mask, per layer
    SequenceMask masks = new SequenceMask();
    SequentialBlock body = new SequentialBlock();
    List<Part> parts = new ArrayList<>();
    List<Integer> normChildren = new ArrayList<>();
    List<Integer> normParts = new ArrayList<>();
    List<double[]> normFacts = new ArrayList<>();
    List<LayerSpec> layers = spec.layers();
    String head = "linear";
    OutputHead output = OutputHead.of(spec);
    List<Integer> shape = inputShape;
    List<WeightPenalties.ActivityTerm> activity = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      LayerSpec layer = layers.get(i);
      boolean last = i == layers.size() - 1;
      String activation = "linear";
      if (layer instanceof Dense d) {
        Block b = Linear.builder().setUnits(d.units()).optBias(d.useBias()).build();
        int in = shape.get(shape.size() - 1);
        parts.add(permuted(i, b, d.useBias(),
            new int[] {in, d.units()}, DENSE_AXES, d.kernelInitializer(), d.units(),
            d.biasInitializer()));
        body.add(b);
        activation = d.activation();
      } else if (layer instanceof Conv2D c) {
        activation = c.activation();
        List<Integer> in = toChannelsLast(body, c.dataFormat(), shape);
        conv2d(body, parts, i, c, in);
        backToChannelsFirst(body, c.dataFormat(), 2);
      } else if (layer instanceof Conv1D c) {
        activation = c.activation();
        List<Integer> in = toChannelsLast(body, c.dataFormat(), shape);
        conv1d(body, parts, i, c, in);
        backToChannelsFirst(body, c.dataFormat(), 1);
      } else if (layer instanceof Pooling p) {
        List<Integer> in = toChannelsLast(body, p.dataFormat(), shape);
        pooling(body, p, in);
        backToChannelsFirst(body, p.dataFormat(), p.rank());
      } else if (layer instanceof GlobalPooling g && maskedIn[i] && "Average".equals(g.kind())) {
        body.add(new MaskedAverageBlock(masks, g.keepdims()));
      } else if (layer instanceof GlobalPooling g) {
        List<Integer> kept = g.outputShape(shape);
        boolean max = "Max".equals(g.kind());
        boolean first = "channels_first".equals(g.dataFormat());
        body.add(lambda(x -> {
          // (batch, positions, channels) or (batch, channels, positions): PyTorch's max reduces
          // one axis at a time
          NDArray flat = first
              ? x.reshape(new Shape(x.getShape().get(0), x.getShape().get(1), -1))
              : x.reshape(new Shape(x.getShape().get(0), -1,
                  x.getShape().get(x.getShape().dimension() - 1)));
          int[] axis = {first ? 2 : 1};
          NDArray pooled = max ? flat.max(axis) : flat.mean(axis);
          return g.keepdims() ? pooled.reshape(batched(x.getShape().get(0), kept)) : pooled;
        }, g.className()));
      } else if (layer instanceof Recurrent r) {
        recurrent(body, parts, i, r, shape, rnd, maskedIn[i] ? masks : null, false);
      } else if (layer instanceof Embedding e) {
        EmbeddingBlock b = new EmbeddingBlock(e.inputDim(), e.outputDim(), (float) e.dropout(),
            rnd, e.maskZero() ? masks : null);
        int[] kshape = {e.inputDim(), e.outputDim()};
        parts.add(new Part(i, b,
            List.of(new KerasWeight("embeddings", kshape, e.embeddingsInitializer())),
            new WeightConverter.Permuted(new int[][] {kshape}, new int[][] {null}),
            List.of("embeddings")));
        body.add(b);
      } else if (layer instanceof Activation a) {
        activation = a.activation();
      } else if (layer instanceof ActivationLayer a) {
        if (a.asActivation() != null) {
          activation = a.asActivation(); // may become the head, as an Activation layer
        } else {
          body.add(lambda(x -> ActivationFunctions.apply(a, x), LayerTypes.snakeCase(a.className())));
        }
      } else if (layer instanceof Dropout d) {
        body.add(new DropoutBlock((float) d.rate(), rnd, sampling));
      } else if (layer instanceof NoiseLayer n) {
        body.add(new NoiseBlock(n, rnd, sampling));
      } else if (layer instanceof PReLU p) {
        List<Integer> alpha = p.alphaShape(shape);
        int[] ashape = alpha.stream().mapToInt(Integer::intValue).toArray();
        parts.add(new Part(i, new PReluBlock(alpha),
            List.of(new KerasWeight("alpha", ashape, p.alphaInitializer())),
            new WeightConverter.Permuted(new int[][] {ashape}, new int[][] {null}),
            List.of("alpha")));
        body.add(parts.get(parts.size() - 1).block());
      } else if (layer instanceof LayerNormalization ln) {
        int[] wshape = ln.weightShape(shape).stream().mapToInt(Integer::intValue).toArray();
        List<KerasWeight> keras = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (ln.scale()) {
          keras.add(new KerasWeight("gamma", wshape, ln.gammaInitializer()));
          names.add("gamma");
        }
        if (ln.center()) {
          keras.add(new KerasWeight("beta", wshape, ln.betaInitializer()));
          names.add("beta");
        }
        Block b = new LayerNormBlock(shape, ln.sampleAxes(shape), (float) ln.epsilon(),
            ln.scale(), ln.center());
        if (!keras.isEmpty()) {
          parts.add(new Part(i, b, keras, new WeightConverter.Permuted(
              java.util.Collections.nCopies(keras.size(), wshape).toArray(new int[0][]),
              new int[keras.size()][]), names));
        }
        body.add(b);
      } else if (layer instanceof ZeroPadding || layer instanceof Cropping
          || layer instanceof UpSampling || layer instanceof RepeatVector
          || layer instanceof Permute) {
        body.add(ShapeBlocks.of(layer, shape));
      } else if (layer instanceof BatchNormalization b) {
        Block bn = BatchNorm.builder()
            .optAxis(shape.size()) // the last axis of (batch, ...)
            .optMomentum((float) b.momentum())
            .optEpsilon((float) b.epsilon())
            .build();
        int[] c = {shape.get(shape.size() - 1)};
        parts.add(new Part(i, bn, List.of(new KerasWeight("gamma", c, "ones"),
            new KerasWeight("beta", c, "zeros"), new KerasWeight("moving_mean", c, "zeros"),
            new KerasWeight("moving_variance", c, "ones")),
            new WeightConverter.Permuted(new int[][] {c, c, c, c}, new int[4][]),
            List.of("gamma", "beta", "moving_mean", "moving_variance")));
        normChildren.add(body.getChildren().size());
        normParts.add(parts.size() - 1);
        int perSample = 1;
        for (int d = 0; d < shape.size() - 1; d++) {
          perSample *= shape.get(d);
        }
        normFacts.add(new double[] {b.momentum(), perSample});
        body.add(bn);
      } else if (layer instanceof Flatten) {
        body.add(Blocks.batchFlattenBlock());
      } else if (layer instanceof Reshape r) {
        List<Integer> target = r.targetShape();
        body.add(lambda(x -> x.reshape(batched(x.getShape().get(0), target)), "reshape"));
      } else if (layer instanceof Rescaling r) {
        float scale = (float) r.scale();
        float offset = (float) r.offset();
        body.add(lambda(x -> x.mul(scale).add(offset), "rescaling"));
      } else if (layer instanceof Conv2DTranspose c) {
        activation = c.activation();
        List<Integer> in = toChannelsLast(body, c.dataFormat(), shape);
        Convolutions.transposed(body, parts, i, c, in);
        backToChannelsFirst(body, c.dataFormat(), 2);
      } else if (layer instanceof DepthwiseConv2D c) {
        activation = c.activation();
        List<Integer> in = toChannelsLast(body, c.dataFormat(), shape);
        Convolutions.depthwise(body, parts, i, c, in);
        backToChannelsFirst(body, c.dataFormat(), 2);
      } else if (layer instanceof SeparableConv c) {
        activation = c.activation();
        List<Integer> in = toChannelsLast(body, c.dataFormat(), shape);
        Convolutions.separable(body, parts, i, c, in);
        backToChannelsFirst(body, c.dataFormat(), c.rank());
      } else if (layer instanceof Bidirectional b) {
        Wrappers.bidirectional(body, parts, i, b, shape, rnd, maskedIn[i] ? masks : null);
      } else if (layer instanceof TimeDistributed t) {
        Wrappers.timeDistributed(body, parts, i, t, shape, manager, rnd, sampling);
      } else if (CUSTOM.containsKey(layer.className())) {
        LayerBuilder lb = CUSTOM.get(layer.className());
        Block b = lb.build(layer, shape);
        List<LayerBuilder.Weight> decl = lb.weights(layer, shape);
        int[][] kshapes = new int[decl.size()][];
        List<String> names = new ArrayList<>();
        List<KerasWeight> keras = new ArrayList<>();
        for (int w = 0; w < decl.size(); w++) {
          kshapes[w] = decl.get(w).shape().stream().mapToInt(Integer::intValue).toArray();
          names.add(decl.get(w).name());
          keras.add(new KerasWeight(decl.get(w).name(), kshapes[w], decl.get(w).initializer()));
        }
        parts.add(new Part(i, b, keras, new WeightConverter.Permuted(kshapes, new int[decl.size()][]),
            names));
        body.add(b);
      } else {
        throw new SpecException(
            "Layer " + i + " (" + layer.className() + ") has no engine implementation. Known"
                + " layers: " + String.join(", ", LayerTypes.names()) + ". A custom layer needs"
                + " both a LayerProvider and a LayerBuilder registered.");
      }
      if (!"linear".equals(activation)) {
        if (last && output.activationIsLast()) {
          head = output.activation();
        } else {
          String a = activation;
          body.add(lambda(x -> ActivationFunctions.apply(a, x), a));
        }
      }
      WeightRules.Regularizer act = rulesOf(layer).regularizers().get("activity");
      if (act != null) {
        activity.add(new WeightPenalties.ActivityTerm(body.getChildren().size(), last, act.l1(),
            act.l2()));
      }
      shape = layer.outputShape(shape);
    }
    body.setInitializer(Initializer.ZEROS, p -> true);
    body.initialize(manager, DataType.FLOAT32, batched(1, inputShape));

    List<Parameter> params = new ArrayList<>();
    List<ParamInfo> infos = new ArrayList<>();
    List<LayerWeights> weights = new ArrayList<>();
    List<NormLayer> norms = new ArrayList<>();
    List<WeightPenalties.WeightTerm> weightTerms = new ArrayList<>();
    List<WeightPenalties.ConstraintTerm> constraintTerms = new ArrayList<>();
    for (int pi = 0; pi < parts.size(); pi++) {
      Part part = parts.get(pi);
      LayerSpec owner = layers.get(part.layer());
      String prefix = part.layer() + "_" + LayerTypes.snakeCase(owner.className()) + "/";
      int first = params.size();
      List<Parameter> own = new ArrayList<>(part.block().getParameters().values());
      if (own.size() != part.names().size()) {
        throw new IllegalStateException(owner.className() + " has " + own.size()
            + " parameters, expected " + part.names());
      }
      for (int p = 0; p < own.size(); p++) {
        Parameter param = own.get(p);
        params.add(param);
        infos.add(new ParamInfo(prefix + part.names().get(p),
            param.getArray().getShape().getShape(), param.requiresGradient()));
      }
      weights.add(new LayerWeights(prefix, first, own.size(),
          part.keras(), part.converter()));
      rules(owner, part, first, weights.size() - 1, weightTerms, constraintTerms);
      int n = normParts.indexOf(pi);
      if (n >= 0) {
        norms.add(new NormLayer(normChildren.get(n), first + 2, first + 3, normFacts.get(n)[0],
            (int) normFacts.get(n)[1]));
      }
    }
    WeightPenalties penalties = weightTerms.isEmpty() && activity.isEmpty()
        && constraintTerms.isEmpty() ? WeightPenalties.NONE
        : new WeightPenalties(weightTerms, activity, constraintTerms);
    return new Built(body, head, output.activation(), params, infos, weights, norms, penalties);
  }

  private static WeightRules rulesOf(LayerSpec layer) {
    if (layer instanceof Dense d) {
      return d.rules();
    } else if (layer instanceof Conv2D c) {
      return c.rules();
    } else if (layer instanceof Conv1D c) {
      return c.rules();
    } else if (layer instanceof Embedding e) {
      return e.rules();
    } else if (layer instanceof Recurrent r) {
      return r.rules();
    } else if (layer instanceof Conv2DTranspose c) {
      return c.rules();
    } else if (layer instanceof DepthwiseConv2D c) {
      return c.rules();
    } else if (layer instanceof SeparableConv c) {
      return c.rules();
    }
    return WeightRules.NONE;
  }

  /**
   * The layer's weight regularizers and constraints on its DJL parameters: each Keras array is
   * the DJL array of the same index, but for a recurrent layer, whose kernel, recurrent kernel
   * and bias are DJL's {@code w_ih}, {@code w_hh} and {@code b_ih + b_hh} (GRU with {@code
   * reset_after}: both biases, each penalised).
   */
  private static void rules(LayerSpec owner, Part part, int first, int layerIndex,
      List<WeightPenalties.WeightTerm> weightTerms,
      List<WeightPenalties.ConstraintTerm> constraintTerms) {
    WeightRules rules = rulesOf(owner);
    if (rules.isEmpty()) {
      return;
    }
    for (int k = 0; k < part.keras().size(); k++) {
      String name = part.keras().get(k).name();
      int[] local;
      boolean separate = false;
      if (owner instanceof Recurrent r && "bias".equals(name)) {
        local = new int[] {2, 3};
        separate = "GRU".equals(r.kind()) && r.resetAfter();
      } else {
        local = new int[] {k};
      }
      WeightRules.Regularizer reg = rules.regularizers().get(name);
      if (reg != null) {
        if (separate) {
          for (int p : local) {
            weightTerms.add(new WeightPenalties.WeightTerm(new int[] {first + p}, reg.l1(),
                reg.l2()));
          }
        } else {
          int[] global = new int[local.length];
          for (int p = 0; p < local.length; p++) {
            global[p] = first + local[p];
          }
          weightTerms.add(new WeightPenalties.WeightTerm(global, reg.l1(), reg.l2()));
        }
      }
      WeightRules.Constraint con = rules.constraints().get(name);
      if (con != null) {
        constraintTerms.add(new WeightPenalties.ConstraintTerm(layerIndex, k, local, con));
      }
    }
  }

  /**
   * A channels_first layer (Keras' data_format) computes channels-last like the others: its input
   * {@code (batch, channels, spatial...)} is transposed before it and its output back after it.
   *
   * @return the layer's input shape, channels-last
   */
  static List<Integer> toChannelsLast(SequentialBlock body, String format,
      List<Integer> shape) {
    if (!"channels_first".equals(format)) {
      return shape;
    }
    int[] axes = shape.size() == 3 ? new int[] {0, 2, 3, 1} : new int[] {0, 2, 1};
    body.add(lambda(x -> x.transpose(axes), "from_channels_first"));
    return Shapes.channelsLast(shape);
  }

  static void backToChannelsFirst(SequentialBlock body, String format, int rank) {
    if ("channels_first".equals(format)) {
      int[] axes = rank == 2 ? new int[] {0, 3, 1, 2} : new int[] {0, 2, 1};
      body.add(lambda(x -> x.transpose(axes), "to_channels_first"));
    }
  }

  static Part permuted(int layer, Block b, boolean bias,
      int[] kernelShape, int[] axes, String kernelInit, int units, String biasInit) {
    int[] biasShape = {units};
    if (bias) {
      return new Part(layer, b, List.of(new KerasWeight("kernel", kernelShape, kernelInit),
          new KerasWeight("bias", biasShape, biasInit)),
          new WeightConverter.Permuted(new int[][] {kernelShape, biasShape}, new int[][] {axes, null}),
          List.of("kernel", "bias"));
    }
    return new Part(layer, b, List.of(new KerasWeight("kernel", kernelShape, kernelInit)),
        new WeightConverter.Permuted(new int[][] {kernelShape}, new int[][] {axes}),
        List.of("kernel"));
  }

  private static void conv2d(SequentialBlock body, List<Part> parts, int i, Conv2D c,
      List<Integer> shape) {
    int[] pad = new int[2];
    int[][] extra = new int[2][];
    for (int a = 0; a < 2; a++) {
      if ("same".equals(c.padding())) {
        int[] p = Shapes.samePadding(shape.get(a), c.kernelSize().get(a), c.strides().get(a), c.dilationRate().get(a));
        pad[a] = Math.min(p[0], p[1]);
        extra[a] = new int[] {p[0] - pad[a], p[1] - pad[a]};
      }
    }
    body.add(lambda(x -> x.transpose(0, 3, 1, 2), "channels_first"));
    addPadding(body, extra, 2, 0f);
    Block conv = Conv2d.builder()
        .setKernelShape(new Shape(c.kernelSize().get(0), c.kernelSize().get(1)))
        .setFilters(c.filters())
        .optStride(new Shape(c.strides().get(0), c.strides().get(1)))
        .optPadding(new Shape(pad[0], pad[1]))
        .optDilation(new Shape(c.dilationRate().get(0), c.dilationRate().get(1)))
        .optBias(c.useBias())
        .build();
    body.add(conv);
    body.add(lambda(x -> x.transpose(0, 2, 3, 1), "channels_last"));
    int[] kernel = {c.kernelSize().get(0), c.kernelSize().get(1), shape.get(2), c.filters()};
    parts.add(permuted(i, conv, c.useBias(), kernel, CONV2D_AXES, c.kernelInitializer(),
        c.filters(), c.biasInitializer()));
  }

  private static void conv1d(SequentialBlock body, List<Part> parts, int i, Conv1D c,
      List<Integer> shape) {
    int pad = 0;
    int[][] extra = new int[1][];
    if ("same".equals(c.padding())) {
      int[] p = Shapes.samePadding(shape.get(0), c.kernelSize(), c.strides(), c.dilationRate());
      pad = Math.min(p[0], p[1]);
      extra[0] = new int[] {p[0] - pad, p[1] - pad};
    } else if ("causal".equals(c.padding())) {
      extra[0] = new int[] {(c.kernelSize() - 1) * c.dilationRate(), 0};
    }
    body.add(lambda(x -> x.transpose(0, 2, 1), "channels_first"));
    addPadding(body, extra, 2, 0f);
    Block conv = Conv1d.builder()
        .setKernelShape(new Shape(c.kernelSize()))
        .setFilters(c.filters())
        .optStride(new Shape(c.strides()))
        .optPadding(new Shape(pad))
        .optDilation(new Shape(c.dilationRate()))
        .optBias(c.useBias())
        .build();
    body.add(conv);
    body.add(lambda(x -> x.transpose(0, 2, 1), "channels_last"));
    int[] kernel = {c.kernelSize(), shape.get(1), c.filters()};
    parts.add(permuted(i, conv, c.useBias(), kernel, CONV1D_AXES, c.kernelInitializer(),
        c.filters(), c.biasInitializer()));
  }

  /**
   * Max or average pooling. Keras' 'same' padding ({@link Shapes#samePadding}: {@code total / 2}
   * before, the rest after) is padded explicitly: with -inf for max pooling, so padded positions
   * never win, and with zeros for average pooling, whose window sums are then divided by the
   * number of real values in each window, as TensorFlow does.
   */
  private static void pooling(SequentialBlock body, Pooling p, List<Integer> shape) {
    int rank = p.rank();
    long[] kernel = new long[rank];
    long[] stride = new long[rank];
    int[][] extra = new int[rank][];
    long[] outDims = new long[rank];
    int window = 1;
    boolean same = "same".equals(p.padding());
    for (int a = 0; a < rank; a++) {
      kernel[a] = p.poolSize().get(a);
      stride[a] = p.strides().get(a);
      window *= p.poolSize().get(a);
      if (same) {
        extra[a] = Shapes.samePadding(shape.get(a), p.poolSize().get(a), p.strides().get(a), 1);
        outDims[a] = (shape.get(a) + stride[a] - 1) / stride[a];
      }
    }
    Shape k = new Shape(kernel);
    Shape st = new Shape(stride);
    Shape pd = new Shape(new long[rank]);
    boolean max = "Max".equals(p.kind());
    // for 'same' average pooling: the number of real values in each output window
    float[] counts = same && !max ? realCounts(shape, p, extra, outDims) : null;
    long[] countShape = new long[rank + 2];
    countShape[0] = 1;
    countShape[1] = 1;
    System.arraycopy(outDims, 0, countShape, 2, rank);
    float windowSize = window;
    int[] first = rank == 2 ? new int[] {0, 3, 1, 2} : new int[] {0, 2, 1};
    int[] back = rank == 2 ? new int[] {0, 2, 3, 1} : new int[] {0, 2, 1};
    body.add(lambda(x -> {
      NDArray cf = x.transpose(first);
      NDArray y;
      if (!same) {
        y = pool(cf, max, rank, k, st, pd);
      } else if (max) {
        y = pool(padded(cf, extra, Float.NEGATIVE_INFINITY), true, rank, k, st, pd);
      } else {
        NDArray sums = pool(padded(cf, extra, 0f), false, rank, k, st, pd).mul(windowSize);
        y = sums.div(cf.getManager().create(counts, new Shape(countShape)));
      }
      return y.transpose(back);
    }, p.className()));
  }

  /** Per output position, the product over axes of the real (non-padded) values its window holds. */
  private static float[] realCounts(List<Integer> shape, Pooling p, int[][] extra, long[] outDims) {
    int rank = p.rank();
    int[][] perAxis = new int[rank][];
    int total = 1;
    for (int a = 0; a < rank; a++) {
      int n = shape.get(a);
      int kk = p.poolSize().get(a);
      int s = p.strides().get(a);
      perAxis[a] = new int[(int) outDims[a]];
      for (int o = 0; o < outDims[a]; o++) {
        int lo = o * s - extra[a][0];
        perAxis[a][o] = Math.max(0, Math.min(n, lo + kk) - Math.max(0, lo));
      }
      total *= (int) outDims[a];
    }
    float[] c = new float[total];
    for (int i = 0; i < total; i++) {
      int rest = i;
      int v = 1;
      for (int a = rank - 1; a >= 0; a--) {
        v *= perAxis[a][rest % (int) outDims[a]];
        rest /= (int) outDims[a];
      }
      c[i] = v;
    }
    return c;
  }

  private static NDArray pool(NDArray cf, boolean max, int rank, Shape k, Shape st, Shape pd) {
    if (rank == 2) {
      return max ? Pool.maxPool2d(cf, k, st, pd, false)
          : Pool.avgPool2d(cf, k, st, pd, false, true);
    }
    return max ? Pool.maxPool1d(cf, k, st, pd, false)
        : Pool.avgPool1d(cf, k, st, pd, false, true);
  }

  /**
   * A recurrent layer. With Keras' mask ({@code masks} not null) it is always the NDArray loop
   * of {@link RecurrentBlock}: PyTorch's fused kernels cannot skip masked steps.
   *
   * @param zeroOutputForMask Keras' {@code zero_output_for_mask} (Bidirectional sets it when
   *     returning sequences)
   */
  static void recurrent(SequentialBlock body, List<Part> parts, int i, Recurrent r,
      List<Integer> shape, Supplier<SplittableRandom> rnd, SequenceMask masks,
      boolean zeroOutputForMask) {
    Block b;
    if (masks != null) {
      b = new RecurrentBlock(r, shape.get(1), rnd, masks, zeroOutputForMask);
    } else if (!r.isStandard()) {
      b = new RecurrentBlock(r, shape.get(1), rnd);
    } else {
      switch (r.kind()) {
        case "LSTM" -> b = new LstmBlock(r.units(), shape.get(1));
        case "GRU" -> b = GRU.builder().setStateSize(r.units()).setNumLayers(1)
            .optBatchFirst(true).optReturnState(false).build();
        default -> b = RNN.builder().setStateSize(r.units()).setNumLayers(1)
            .setActivation("relu".equals(r.activation()) ? RNN.Activation.RELU : RNN.Activation.TANH)
            .optBatchFirst(true).optReturnState(false).build();
      }
    }
    body.add(b);
    if (!r.returnSequences()) {
      body.add(lambda(x -> x.get(":, -1, :"), "last_step"));
    }
    int in = shape.get(1);
    int rows = r.gates() * r.units();
    int[] kernel = {in, rows};
    int[] recurrent = {r.units(), rows};
    List<KerasWeight> keras = new ArrayList<>(List.of(
        new KerasWeight("kernel", kernel, r.kernelInitializer()),
        new KerasWeight("recurrent_kernel", recurrent, r.recurrentInitializer())));
    List<String> names = new ArrayList<>(List.of("w_ih", "w_hh"));
    if (r.useBias()) {
      int[] bias = "GRU".equals(r.kind()) && r.resetAfter() ? new int[] {2, rows} : new int[] {rows};
      String biasInit = r.unitForgetBias() ? "unit_forget_bias:" + r.biasInitializer()
          : r.biasInitializer();
      keras.add(new KerasWeight("bias", bias, biasInit));
      names.addAll(List.of("b_ih", "b_hh"));
    }
    parts.add(new Part(i, b, keras,
        new WeightConverter.Recurrent(r.kind(), r.units(), in, r.gates(), r.useBias(),
            r.resetAfter()),
        names));
  }

  /** Pads channels-first spatial axes (from {@code firstAxis}) where {@code extra} says. */
  static void addPadding(SequentialBlock body, int[][] extra, int firstAxis, float value) {
    boolean any = false;
    for (int[] e : extra) {
      any |= e != null && (e[0] > 0 || e[1] > 0);
    }
    if (!any) {
      return;
    }
    body.add(lambda(x -> padded(x, extra, firstAxis, value), "same_padding"));
  }

  /** Pads channels-first spatial axes (from {@code firstAxis}) before and after as {@code extra} says. */
  private static NDArray padded(NDArray x, int[][] extra, int firstAxis, float value) {
    NDArray y = x;
    for (int a = 0; a < extra.length; a++) {
      if (extra[a] == null) {
        continue;
      }
      int axis = firstAxis + a;
      NDList pieces = new NDList();
      if (extra[a][0] > 0) {
        pieces.add(y.getManager().full(withDim(y.getShape(), axis, extra[a][0]), value));
      }
      pieces.add(y);
      if (extra[a][1] > 0) {
        pieces.add(y.getManager().full(withDim(y.getShape(), axis, extra[a][1]), value));
      }
      if (pieces.size() > 1) {
        y = NDArrays.concat(pieces, axis);
      }
    }
    return y;
  }

  private static NDArray padded(NDArray x, int[][] extra, float value) {
    return padded(x, extra, 2, value);
  }

  private static Shape withDim(Shape s, int axis, long size) {
    long[] d = s.getShape();
    d[axis] = size;
    return new Shape(d);
  }

  static Shape batched(long batch, List<Integer> shape) {
    long[] dims = new long[shape.size() + 1];
    dims[0] = batch;
    for (int i = 0; i < shape.size(); i++) {
      dims[i + 1] = shape.get(i);
    }
    return new Shape(dims);
  }

  static Block lambda(Function<NDArray, NDArray> f, String name) {
    return new LambdaBlock(list -> new NDList(f.apply(list.singletonOrThrow())), name);
  }
}
