package dev.sparkdl.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PReLU, LayerNormalization, the padding / cropping / upsampling / repeating / permuting layers,
 * the noise layers and global pooling's keepdims: output shapes and parameter counts against
 * Keras' formulas, the configs tf.keras writes, and the refusals.
 */
class ShapeLayersTest {

  private static void check(LayerSpec l, List<Integer> in, List<Integer> out, long params) {
    assertEquals(out, l.outputShape(in), l + " on " + in);
    assertEquals(params, l.paramCount(in), l + " params on " + in);
    assertEquals(0, l.nonTrainableCount(in));
  }

  @Test
  void shapesAndParameterCountsAreKeras() {
    // PReLU: alpha has the input's shape with 1 along shared axes
    check(PReLU.defaults(), List.of(28, 28, 3), List.of(28, 28, 3), 28 * 28 * 3);
    check(PReLU.defaults().sharedAxes(1, 2), List.of(28, 28, 3), List.of(28, 28, 3), 3);
    check(PReLU.defaults(), List.of(10), List.of(10), 10);
    assertEquals(List.of(1, 5, 3), PReLU.defaults().sharedAxes(1).alphaShape(List.of(4, 5, 3)));
    // LayerNormalization: gamma and beta over the normalised axes
    check(LayerNormalization.defaults(), List.of(64), List.of(64), 128);
    check(LayerNormalization.defaults(), List.of(7, 16), List.of(7, 16), 32);
    check(LayerNormalization.defaults().axis(1, 2), List.of(4, 5, 6), List.of(4, 5, 6), 40);
    check(LayerNormalization.defaults().axis(-2, -1), List.of(4, 5, 6), List.of(4, 5, 6), 60);
    check(LayerNormalization.defaults().centerAndScale(false, true), List.of(6), List.of(6), 6);
    check(LayerNormalization.defaults().centerAndScale(false, false), List.of(6), List.of(6), 0);
    // padding and cropping
    check(ZeroPadding.of2D(3, 3), List.of(10, 10, 3), List.of(16, 16, 3), 0);
    check(ZeroPadding.of2D(0, 1, 2, 3), List.of(4, 4, 2), List.of(5, 9, 2), 0);
    check(ZeroPadding.of2D(1, 2).dataFormat("channels_first"), List.of(2, 4, 4),
        List.of(2, 6, 8), 0);
    check(ZeroPadding.of1D(2), List.of(5, 3), List.of(9, 3), 0);
    check(Cropping.of2D(1, 1), List.of(20, 20, 3), List.of(18, 18, 3), 0);
    check(Cropping.of2D(0, 1, 2, 0).dataFormat("channels_first"), List.of(3, 5, 5),
        List.of(3, 4, 3), 0);
    check(Cropping.of1D(1, 0), List.of(5, 2), List.of(4, 2), 0);
    // upsampling, repeat, permute
    check(UpSampling.of2D(2, 2), List.of(5, 5, 3), List.of(10, 10, 3), 0);
    check(UpSampling.of2D(2, 3).interpolation("bilinear").dataFormat("channels_first"),
        List.of(3, 5, 4), List.of(3, 10, 12), 0);
    check(UpSampling.of1D(3), List.of(4, 2), List.of(12, 2), 0);
    check(RepeatVector.of(5), List.of(7), List.of(5, 7), 0);
    check(Permute.of(2, 1), List.of(3, 4), List.of(4, 3), 0);
    check(Permute.of(3, 1, 2), List.of(2, 3, 4), List.of(4, 2, 3), 0);
    // noise layers keep the shape, no weights
    check(SpatialDropout.of1D(0.2), List.of(9, 4), List.of(9, 4), 0);
    check(SpatialDropout.of2D(0.2), List.of(6, 6, 4), List.of(6, 6, 4), 0);
    check(GaussianNoise.stddev(0.1), List.of(3, 2), List.of(3, 2), 0);
    check(GaussianDropout.rate(0.1), List.of(3), List.of(3), 0);
    check(AlphaDropout.rate(0.1), List.of(3), List.of(3), 0);
    // keepdims: ones where the pooled axes were
    check(GlobalPooling.average2D().keepdims(true), List.of(5, 5, 8), List.of(1, 1, 8), 0);
    check(GlobalPooling.max2D().keepdims(true).dataFormat("channels_first"), List.of(8, 5, 5),
        List.of(8, 1, 1), 0);
    check(GlobalPooling.max1D().keepdims(true), List.of(9, 3), List.of(1, 3), 0);
    Sequential net = Sequential.of(ZeroPadding.of2D(1, 1), PReLU.defaults().sharedAxes(1, 2),
        LayerNormalization.defaults(), Flatten.of(), RepeatVector.of(2), Permute.of(2, 1))
        .inputShape(4, 4, 3);
    assertEquals(3 + 6, net.paramCount());
    assertTrue(net.summary().contains("(None, 108, 2)"), net.summary());
  }

  /** The configs tf.keras 2 wrote in the real files of dl4j-test-resources, read as written. */
  @Test
  void readsTheConfigsTfKerasWrites() {
    assertEquals(ZeroPadding.of2D(3, 3), LayerSpec.fromJson("{\"class_name\": \"ZeroPadding2D\","
        + " \"config\": {\"name\": \"zero_padding2d_100\", \"trainable\": true, \"dtype\":"
        + " \"float32\", \"padding\": [[3, 3], [3, 3]], \"data_format\": \"channels_last\"}}"));
    assertEquals(Cropping.of2D(1, 1), LayerSpec.fromJson("{\"class_name\": \"Cropping2D\","
        + " \"config\": {\"name\": \"cropping2d_112\", \"trainable\": true, \"dtype\":"
        + " \"float32\", \"cropping\": [[1, 1], [1, 1]], \"data_format\": \"channels_last\"}}"));
    assertEquals(UpSampling.of2D(2, 2), LayerSpec.fromJson("{\"class_name\": \"UpSampling2D\","
        + " \"config\": {\"name\": \"up_sampling2d_100\", \"trainable\": true, \"dtype\":"
        + " \"float32\", \"size\": [2, 2], \"data_format\": \"channels_last\","
        + " \"interpolation\": \"nearest\"}}"));
    assertEquals(SpatialDropout.of2D(0.2), LayerSpec.fromJson("{\"class_name\":"
        + " \"SpatialDropout2D\", \"config\": {\"name\": \"spatial_dropout2d_1\", \"trainable\":"
        + " true, \"dtype\": \"float32\", \"rate\": 0.2, \"noise_shape\": null, \"seed\":"
        + " null}}"));
    assertEquals(RepeatVector.of(5), LayerSpec.fromJson("{\"class_name\": \"RepeatVector\","
        + " \"config\": {\"name\": \"repeat_vector_1\", \"trainable\": true, \"dtype\":"
        + " \"float32\", \"n\": 5}}"));
    assertEquals(RepeatVector.of(400), LayerSpec.fromJson("{\"class_name\": \"RepeatVector\","
        + " \"config\": {\"name\": \"repeat_vector\", \"trainable\": true, \"n\": 400}}"));
    assertEquals(PReLU.defaults(), LayerSpec.fromJson("{\"class_name\": \"PReLU\", \"config\":"
        + " {\"name\": \"p_re_lu_1\", \"trainable\": true, \"dtype\": \"float32\","
        + " \"alpha_initializer\": {\"class_name\": \"Zeros\", \"config\": {\"dtype\":"
        + " \"float32\"}}, \"alpha_regularizer\": null, \"alpha_constraint\": null,"
        + " \"shared_axes\": null}}"));
    assertEquals(AlphaDropout.rate(0.5), LayerSpec.fromJson("{\"class_name\": \"AlphaDropout\","
        + " \"config\": {\"name\": \"alpha_dropout_1\", \"trainable\": true, \"dtype\":"
        + " \"float32\", \"rate\": 0.5}}"));
    assertEquals(Permute.of(2, 1), LayerSpec.fromJson("{\"class_name\": \"Permute\", \"config\":"
        + " {\"name\": \"permute_1\", \"trainable\": true, \"dtype\": \"float32\", \"dims\":"
        + " [2, 1]}}"));
    // tf.keras 2 writes LayerNormalization's axis as a list; Keras 3 as an int, with rms_scaling
    assertEquals(LayerNormalization.defaults().axis(2), LayerSpec.fromJson("{\"class_name\":"
        + " \"LayerNormalization\", \"config\": {\"name\": \"ln\", \"trainable\": true, \"dtype\":"
        + " \"float32\", \"axis\": [2], \"epsilon\": 0.001, \"center\": true, \"scale\": true,"
        + " \"beta_initializer\": {\"class_name\": \"Zeros\", \"config\": {}},"
        + " \"gamma_initializer\": {\"class_name\": \"Ones\", \"config\": {}},"
        + " \"beta_regularizer\": null, \"gamma_regularizer\": null, \"beta_constraint\": null,"
        + " \"gamma_constraint\": null}}"));
    assertEquals(LayerNormalization.defaults(), LayerSpec.fromJson("{\"class_name\":"
        + " \"LayerNormalization\", \"config\": {\"name\": \"layer_normalization\", \"trainable\":"
        + " true, \"dtype\": {\"module\": \"keras\", \"class_name\": \"DTypePolicy\", \"config\":"
        + " {\"name\": \"float32\"}, \"registered_name\": null}, \"axis\": -1, \"epsilon\": 0.001,"
        + " \"center\": true, \"scale\": true, \"rms_scaling\": false, \"beta_initializer\":"
        + " {\"module\": \"keras.initializers\", \"class_name\": \"Zeros\", \"config\": {},"
        + " \"registered_name\": null}, \"gamma_initializer\": {\"module\":"
        + " \"keras.initializers\", \"class_name\": \"Ones\", \"config\": {}, \"registered_name\":"
        + " null}, \"beta_regularizer\": null, \"gamma_regularizer\": null, \"beta_constraint\":"
        + " null, \"gamma_constraint\": null}}"));
    // Keras 1's spellings
    assertEquals(GaussianNoise.stddev(0.2), LayerSpec.fromJson("{\"class_name\":"
        + " \"GaussianNoise\", \"config\": {\"name\": \"g\", \"sigma\": 0.2}}"));
    assertEquals(GaussianDropout.rate(0.2), LayerSpec.fromJson("{\"class_name\":"
        + " \"GaussianDropout\", \"config\": {\"name\": \"g\", \"p\": 0.2}}"));
    assertEquals(SpatialDropout.of1D(0.4), LayerSpec.fromJson("{\"class_name\":"
        + " \"SpatialDropout1D\", \"config\": {\"name\": \"s\", \"p\": 0.4}}"));
    assertEquals(UpSampling.of1D(3), LayerSpec.fromJson("{\"class_name\": \"UpSampling1D\","
        + " \"config\": {\"length\": 3}}"));
    assertEquals(ZeroPadding.of2D(1, 2), LayerSpec.fromJson("{\"class_name\": \"ZeroPadding2D\","
        + " \"config\": {\"padding\": [1, 2], \"dim_ordering\": \"tf\"}}"));
    // Keras 3's keys and the other forms of the arguments
    assertEquals(GaussianNoise.stddev(0.1), LayerSpec.fromJson("{\"class_name\":"
        + " \"GaussianNoise\", \"config\": {\"name\": \"g\", \"stddev\": 0.1, \"seed\": 7}}"));
    assertEquals(GaussianDropout.rate(0.3), LayerSpec.fromJson("{\"class_name\":"
        + " \"GaussianDropout\", \"config\": {\"name\": \"g\", \"rate\": 0.3, \"seed\": null}}"));
    assertEquals(ZeroPadding.of2D(2, 2), LayerSpec.fromJson("{\"class_name\": \"ZeroPadding2D\","
        + " \"config\": {\"padding\": 2}}"));
    assertEquals(ZeroPadding.of2D(1, 1, 2, 2), LayerSpec.fromJson("{\"class_name\":"
        + " \"ZeroPadding2D\", \"config\": {\"padding\": [1, 2]}}"));
    assertEquals(ZeroPadding.of1D(1), LayerSpec.fromJson("{\"class_name\": \"ZeroPadding1D\","
        + " \"config\": {}}"));
    assertEquals(Cropping.of2D(0, 0), LayerSpec.fromJson("{\"class_name\": \"Cropping2D\","
        + " \"config\": {}}"));
    assertEquals(UpSampling.of1D(2), LayerSpec.fromJson("{\"class_name\": \"UpSampling1D\","
        + " \"config\": {\"size\": 2}}"));
    assertEquals(GlobalPooling.average1D().keepdims(true), LayerSpec.fromJson("{\"class_name\":"
        + " \"GlobalAveragePooling1D\", \"config\": {\"data_format\": \"channels_last\","
        + " \"keepdims\": true}}"));
  }

  private static String refused(Runnable r) {
    return assertThrows(SpecException.class, r::run).getMessage();
  }

  @Test
  void refusesWhatItCannotDoNamingTheArgument() {
    String m = refused(() -> LayerNormalization.defaults().axis(0));
    assertTrue(m.contains("Received an invalid value for `axis` of LayerNormalization"), m);
    m = refused(() -> LayerNormalization.defaults().axis(2, 1).outputShape(List.of(3, 4)));
    assertTrue(m.contains("give the axes in increasing order"), m);
    m = refused(() -> LayerNormalization.defaults().axis(3).outputShape(List.of(4)));
    assertTrue(m.contains("axis=[3] is outside its input of shape [4]"), m);
    m = refused(() -> LayerSpec.fromJson("{\"class_name\": \"LayerNormalization\", \"config\":"
        + " {\"rms_scaling\": true}}"));
    assertTrue(m.contains("rms_scaling=true is not supported"), m);
    m = refused(() -> LayerSpec.fromJson("{\"class_name\": \"PReLU\", \"config\":"
        + " {\"alpha_regularizer\": \"l2\"}}"));
    assertTrue(m.contains("PReLU: alpha_regularizer=l2 is not supported"), m);
    m = refused(() -> PReLU.defaults().sharedAxes(3).outputShape(List.of(4, 2)));
    assertTrue(m.contains("names axis 3, but its input has shape [4, 2]"), m);
    m = refused(() -> PReLU.defaults().sharedAxes(0));
    assertTrue(m.contains("Received an invalid value for `shared_axes` of PReLU"), m);
    m = refused(() -> UpSampling.of2D(2, 2).interpolation("bicubic"));
    assertTrue(m.contains("expected nearest or bilinear. Received: interpolation=bicubic"), m);
    m = refused(() -> UpSampling.of1D(0));
    assertTrue(m.contains("Received an invalid value for `size` of UpSampling1D"), m);
    m = refused(() -> Cropping.of2D(3, 3).outputShape(List.of(6, 8, 1)));
    assertTrue(m.contains("removes all of axis 1 (size 6)"), m);
    m = refused(() -> ZeroPadding.of2D(-1, 0));
    assertTrue(m.contains("Received an invalid value for `padding` of ZeroPadding2D"), m);
    m = refused(() -> LayerSpec.fromJson("{\"class_name\": \"ZeroPadding2D\", \"config\":"
        + " {\"padding\": [1, 2, 3]}}"));
    assertTrue(m.contains("expected an integer, a pair of integers (height, width) or a pair"), m);
    m = refused(() -> ZeroPadding.of2D(1, 1).outputShape(List.of(5, 5)));
    assertTrue(m.contains("ZeroPadding2D needs inputs of shape (height, width, channels)"), m);
    m = refused(() -> Permute.of(1, 3));
    assertTrue(m.contains("expected a permutation of 1..n"), m);
    m = refused(() -> Permute.of(2, 1).outputShape(List.of(4)));
    assertTrue(m.contains("needs inputs with 2 axes"), m);
    m = refused(() -> RepeatVector.of(3).outputShape(List.of(2, 2)));
    assertTrue(m.contains("RepeatVector needs inputs of shape (features)"), m);
    m = refused(() -> SpatialDropout.of1D(1.0));
    assertTrue(m.contains("`rate` of SpatialDropout1D, expected a float in [0, 1)"), m);
    m = refused(() -> GaussianNoise.stddev(-1));
    assertTrue(m.contains("`stddev` of GaussianNoise"), m);
    m = refused(() -> LayerSpec.fromJson("{\"class_name\": \"AlphaDropout\", \"config\":"
        + " {\"rate\": 0.1, \"noise_shape\": [null, 1]}}"));
    assertTrue(m.contains("noise_shape"), m);
    m = refused(() -> LayerSpec.fromJson("{\"class_name\": \"SpatialDropout1D\", \"config\":"
        + " {\"rate\": 0.1, \"data_format\": \"channels_first\"}}"));
    assertTrue(m.contains("data_format=channels_first"), m);
  }
}
