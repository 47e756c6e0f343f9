package dev.sparkdl.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.spec.CompileOptions;
import dev.sparkdl.spec.Conv2D;
import dev.sparkdl.spec.Conv2DTranspose;
import dev.sparkdl.spec.Flatten;
import dev.sparkdl.spec.Loss;
import dev.sparkdl.spec.Optimizer;
import dev.sparkdl.spec.Sequential;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * A convolutional autoencoder whose decoder is two strided Conv2DTranspose layers learns to
 * reconstruct digits through a bottleneck of half the pixels, far better than the mean image:
 * the bundled 8x8 digits (UCI optical digits) and MNIST's 28x28 (shared data, skipped when
 * absent), pixels scaled to [0, 1].
 */
class ConvTransposeAutoencoderTest {

  static float[][] digits() throws Exception {
    List<float[]> rows = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
        ConvTransposeAutoencoderTest.class.getResourceAsStream(
            "/dev/sparkdl/datasets/digits.csv.gz")), StandardCharsets.UTF_8))) {
      r.readLine();
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank()) {
          String[] cells = line.split(",");
          float[] x = new float[64];
          for (int i = 0; i < 64; i++) {
            x[i] = Float.parseFloat(cells[i]) / 16f;
          }
          rows.add(x);
        }
      }
    }
    return rows.toArray(new float[0][]);
  }

  private static float[] flat(float[][] rows, int from, int to) {
    float[] out = new float[(to - from) * 64];
    for (int i = from; i < to; i++) {
      System.arraycopy(rows[i], 0, out, (i - from) * 64, 64);
    }
    return out;
  }

  private static double mse(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (double) (a[i] - b[i]);
    }
    return s / a.length;
  }

  /**
   * MNIST: 3,000 training images, 7x7x8 bottleneck (392 values for 784 pixels), 3 epochs of
   * Adam; held-out MSE on 1,000 test images against the mean image's.
   */
  @Test
  void conv2dTransposeDecoderReconstructsMnist() throws Exception {
    dev.sparkdl.data.IdxReader.IdxArray trainImages = dev.sparkdl.data.IdxReader.read(
        dev.sparkdl.testing.SharedData.require("mnist/train-images-idx3-ubyte.gz"));
    dev.sparkdl.data.IdxReader.IdxArray testImages = dev.sparkdl.data.IdxReader.read(
        dev.sparkdl.testing.SharedData.require("mnist/t10k-images-idx3-ubyte.gz"));
    int train = 3000;
    int held = 1000;
    float[] x = pixels(trainImages, train);
    float[] test = pixels(testImages, held);
    float[] mean = new float[784];
    for (int i = 0; i < train; i++) {
      for (int p = 0; p < 784; p++) {
        mean[p] += x[i * 784 + p] / train;
      }
    }
    float[] meanPrediction = new float[test.length];
    for (int i = 0; i < test.length; i += 784) {
      System.arraycopy(mean, 0, meanPrediction, i, 784);
    }
    double baseline = mse(meanPrediction, test);
    Sequential autoencoder = Sequential.of(
        Conv2D.filters(16).kernelSize(3, 3).strides(2, 2).padding("same").activation("relu"), // 14
        Conv2D.filters(8).kernelSize(3, 3).strides(2, 2).padding("same").activation("relu"),  // 7
        Conv2DTranspose.filters(16).kernelSize(3, 3).strides(2, 2).padding("same")
            .activation("relu"),                                                              // 14
        Conv2DTranspose.filters(1).kernelSize(3, 3).strides(2, 2).padding("same")
            .activation("sigmoid"),                                                           // 28
        Flatten.of()).inputShape(28, 28, 1);
    CompileOptions compile = new CompileOptions(Loss.of("mse"),
        new Optimizer.Adam(0.005, 0.9, 0.999, 1e-7), List.of());
    double heldOut;
    try (Network net = Network.create(autoencoder, compile, 3)) {
      int batch = 100;
      for (int epoch = 0; epoch < 3; epoch++) {
        for (int from = 0; from + batch <= train; from += batch) {
          float[] b = java.util.Arrays.copyOfRange(x, from * 784, (from + batch) * 784);
          net.trainBatch(b, b, batch);
        }
      }
      heldOut = mse(net.predict(test, held), test);
    }
    System.out.printf("Conv2DTranspose autoencoder on MNIST: held-out MSE %.4f, mean image"
        + " %.4f%n", heldOut, baseline);
    assertTrue(baseline > 0.06, "the mean image's MSE " + baseline);
    assertTrue(heldOut < 0.02, "held-out reconstruction MSE " + heldOut + " (mean image: "
        + baseline + ")");
  }

  private static float[] pixels(dev.sparkdl.data.IdxReader.IdxArray images, int n) {
    float[] out = new float[n * 784];
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < 784; p++) {
        out[i * 784 + p] = images.get(i, p) / 255f;
      }
    }
    return out;
  }

  @Test
  void conv2dTransposeDecoderReconstructsDigits() throws Exception {
    float[][] all = digits();
    // shuffle once, seeded: 1200 to train, the other 597 held out
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = all.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      float[] t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    int train = 1200;
    float[] test = flat(all, train, all.length);
    // the trivial predictor: the training set's mean image
    float[] mean = new float[64];
    for (int i = 0; i < train; i++) {
      for (int p = 0; p < 64; p++) {
        mean[p] += all[i][p] / train;
      }
    }
    float[] meanPrediction = new float[test.length];
    for (int i = 0; i < test.length; i += 64) {
      System.arraycopy(mean, 0, meanPrediction, i, 64);
    }
    double baseline = mse(meanPrediction, test);

    Sequential autoencoder = Sequential.of(
        Conv2D.filters(16).strides(2, 2).padding("same").activation("relu"),        // 4x4x16
        Conv2D.filters(8).strides(2, 2).padding("same").activation("relu"),         // 2x2x8
        Conv2DTranspose.filters(16).strides(2, 2).padding("same").activation("relu"), // 4x4x16
        Conv2DTranspose.filters(1).strides(2, 2).padding("same").activation("sigmoid"), // 8x8x1
        Flatten.of()).inputShape(8, 8, 1);
    CompileOptions compile = new CompileOptions(Loss.of("mse"),
        new Optimizer.Adam(0.01, 0.9, 0.999, 1e-7), List.of());
    double heldOut;
    try (Network net = Network.create(autoencoder, compile, 3)) {
      int batch = 100;
      for (int epoch = 0; epoch < 12; epoch++) {
        for (int from = 0; from + batch <= train; from += batch) {
          float[] x = flat(all, from, from + batch);
          net.trainBatch(x, x, batch);
        }
      }
      heldOut = mse(net.predict(test, all.length - train), test);
    }
    System.out.printf("Conv2DTranspose autoencoder on 8x8 digits: held-out MSE %.4f, mean image"
        + " %.4f%n", heldOut, baseline);
    assertTrue(baseline > 0.06, "the mean image's MSE " + baseline);
    assertTrue(heldOut < 0.025, "held-out reconstruction MSE " + heldOut + " (mean image: "
        + baseline + ")");
  }
}
