package dev.sparkdl.examples;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.sparkdl.engine.Engines;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The course MLP written as a DJL user writes it with DJL alone — its Model, Trainer,
 * GradientCollector, fused Adam and softmax cross-entropy — in one process, no Spark: the
 * ceiling the distributed trainer is measured against.
 */
final class PlainDjl {
  /** Per-epoch outcome. */
  record Epoch(int epoch, double trainSeconds, double testAccuracy) {}

  private PlainDjl() {}

  static SequentialBlock courseMlp() {
    return new SequentialBlock()
        .add(Linear.builder().setUnits(500).build())
        .add(BatchNorm.builder().optMomentum(0.99f).optEpsilon(1e-3f).build())
        .add(Dropout.builder().optRate(0.3f).build())
        .add(Activation::relu)
        .add(Linear.builder().setUnits(50).build())
        .add(BatchNorm.builder().optMomentum(0.99f).optEpsilon(1e-3f).build())
        .add(Dropout.builder().optRate(0.3f).build())
        .add(Activation::relu)
        .add(Linear.builder().setUnits(10).build());
  }

  /** Keras' MNIST convnet with DJL's (channels-first) blocks. */
  static SequentialBlock convnet() {
    return new SequentialBlock()
        .add(a -> new NDList(a.singletonOrThrow().reshape(-1, 1, 28, 28)))
        .add(ai.djl.nn.convolutional.Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(32).build())
        .add(Activation::relu)
        .add(ai.djl.nn.pooling.Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
        .add(ai.djl.nn.convolutional.Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(64).build())
        .add(Activation::relu)
        .add(ai.djl.nn.pooling.Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
        .add(ai.djl.nn.Blocks.batchFlattenBlock())
        .add(Dropout.builder().optRate(0.5f).build())
        .add(Linear.builder().setUnits(10).build());
  }

  /**
   * Trains with Adam (lr 0.001, Keras' epsilon 1e-7), evaluating test accuracy after every epoch
   * (not counted in the training time).
   */
  static List<Epoch> train(float[] x, float[] y, int n, float[] testX, float[] testY, int testN,
      int epochs, int batchSize, int threads) {
    return train(courseMlp(), x, y, n, testX, testY, testN, epochs, batchSize, threads);
  }

  static List<Epoch> train(SequentialBlock block, float[] x, float[] y, int n, float[] testX,
      float[] testY, int testN, int epochs, int batchSize, int threads) {
    Engines.setIntraOpThreads(threads);
    List<Epoch> out = new ArrayList<>();
    try (Model model = Model.newInstance("course-mlp", "PyTorch")) {
      model.setBlock(block);
      DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
          .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.001f))
              .optEpsilon(1e-7f).build());
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(batchSize, 784));
        NDManager manager = trainer.getManager();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
          order[i] = i;
        }
        Random rnd = new Random(1);
        float[] bx = new float[batchSize * 784];
        float[] by = new float[batchSize];
        double total = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
          long t0 = System.nanoTime();
          for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
          }
          for (int from = 0; from + batchSize <= n; from += batchSize) {
            for (int i = 0; i < batchSize; i++) {
              System.arraycopy(x, order[from + i] * 784, bx, i * 784, 784);
              by[i] = y[order[from + i]];
            }
            try (NDManager step = manager.newSubManager()) {
              NDArray xs = step.create(bx, new Shape(batchSize, 784));
              NDArray ys = step.create(by, new Shape(batchSize));
              try (GradientCollector gc = trainer.newGradientCollector()) {
                NDArray pred = trainer.forward(new NDList(xs)).singletonOrThrow();
                NDArray loss = trainer.getLoss().evaluate(new NDList(ys), new NDList(pred));
                gc.backward(loss);
              }
              trainer.step();
            }
          }
          total += (System.nanoTime() - t0) / 1e9;
          out.add(new Epoch(epoch, total, accuracy(model, testX, testY, testN)));
        }
      }
    }
    return out;
  }

  private static double accuracy(Model model, float[] x, float[] y, int n) {
    int correct = 0;
    ParameterStore ps = new ParameterStore(model.getNDManager(), false);
    try (NDManager m = model.getNDManager().newSubManager()) {
      ai.djl.pytorch.jni.JniUtils.setGradMode(false);
      for (int from = 0; from < n; from += 1000) {
        int b = Math.min(1000, n - from);
        float[] xb = java.util.Arrays.copyOfRange(x, from * 784, (from + b) * 784);
        NDArray pred = model.getBlock().forward(ps, new NDList(m.create(xb, new Shape(b, 784))), false)
            .singletonOrThrow().argMax(1);
        long[] p = pred.toLongArray();
        for (int i = 0; i < b; i++) {
          if (p[i] == (long) y[from + i]) {
            correct++;
          }
        }
      }
      ai.djl.pytorch.jni.JniUtils.setGradMode(true);
    }
    return correct / (double) n;
  }
}
