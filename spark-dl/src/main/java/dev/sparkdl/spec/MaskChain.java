package dev.sparkdl.spec;

import java.util.List;

/**
 * Where Keras' mask from an {@code Embedding(mask_zero=True)} goes in a network, and the layers
 * that may carry it. Keras 3 computes the mask {@code index != 0} and hands it on through layers
 * that support masking until a layer consumes it. spark-dl computes exactly these chains:
 *
 * <ul>
 *   <li>carried unchanged by Dropout, SpatialDropout1D, GaussianNoise, GaussianDropout,
 *       AlphaDropout, Activation, ReLU, LeakyReLU, ELU and Dense (on each step);
 *   <li>consumed by SimpleRNN, GRU, LSTM and Bidirectional (state carried over masked steps;
 *       with {@code return_sequences=True} the mask continues to the next layer);
 *   <li>consumed by {@code GlobalAveragePooling1D} (the mean over unmasked steps) and dropped by
 *       {@code GlobalMaxPooling1D} (Keras 3 takes its maximum over every step).
 * </ul>
 *
 * Any other layer while the mask is live is refused, naming it, and so is a network whose
 * output still carries the mask (Keras would then mask the loss).
 */
public final class MaskChain {
  private MaskChain() {}

  /**
   * @param layers a network's layers
   * @return for each layer, whether its input carries Keras' mask
   * @throws SpecException naming the first layer that receives the mask but whose Keras masking
   *     semantics are not computed
   */
  public static boolean[] maskedInputs(List<LayerSpec> layers) {
    boolean[] masked = new boolean[layers.size()];
    boolean live = false;
    for (int i = 0; i < layers.size(); i++) {
      LayerSpec l = layers.get(i);
      masked[i] = live;
      if (live) {
        live = carries(i, l);
      } else if (l instanceof Embedding e && e.maskZero()) {
        live = true;
      }
    }
    return masked;
  }

  /**
   * As {@link #maskedInputs} for a complete network: also refuses a network whose output still
   * carries the mask.
   */
  public static boolean[] check(List<LayerSpec> layers) {
    boolean[] masked = maskedInputs(layers);
    int last = layers.size() - 1;
    LayerSpec l = layers.get(last);
    boolean live = masked[last] ? carries(last, l) : l instanceof Embedding e && e.maskZero();
    if (live) {
      throw new SpecException("Layer " + last + " (" + l.className() + "): the network's output"
          + " still carries the mask of Embedding(mask_zero=True); Keras would then mask the loss"
          + " and metrics per step, which spark-dl does not support. End the masked part with a"
          + " recurrent layer (return_sequences=False) or GlobalAveragePooling1D /"
          + " GlobalMaxPooling1D.");
    }
    return masked;
  }

  /** @return whether the mask is still live after layer {@code i}, which receives it */
  private static boolean carries(int i, LayerSpec l) {
    if (l instanceof Recurrent r) {
      return r.returnSequences();
    }
    if (l instanceof Bidirectional b) {
      return b.layer().returnSequences();
    }
    if (l instanceof GlobalPooling g && g.rank() == 1
        && "channels_last".equals(g.dataFormat())) {
      return false;
    }
    if (l instanceof Dropout || l instanceof Activation || l instanceof Dense
        || l instanceof GaussianNoise || l instanceof GaussianDropout
        || l instanceof AlphaDropout
        || l instanceof SpatialDropout s && s.rank() == 1
        || l instanceof ActivationLayer && !(l instanceof Softmax)
            && !(l instanceof ThresholdedReLU)) {
      return true;
    }
    throw new SpecException("Layer " + i + " (" + l.className() + ") receives the mask of"
        + " Embedding(mask_zero=True), and Keras' masking semantics for " + l.className()
        + " are not supported. Between a masking Embedding and the layer that consumes the mask"
        + " spark-dl supports Dropout, SpatialDropout1D, GaussianNoise, GaussianDropout,"
        + " AlphaDropout, Activation, ReLU, LeakyReLU, ELU and Dense; the mask is consumed by"
        + " SimpleRNN, GRU, LSTM, Bidirectional, GlobalAveragePooling1D and GlobalMaxPooling1D"
        + " (channels_last). Remove mask_zero or move the layer after the consumer.");
  }
}
