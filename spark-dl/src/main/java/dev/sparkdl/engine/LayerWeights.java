package dev.sparkdl.engine;

import java.util.List;

/**
 * A layer's weights in both views: its DJL parameters (a run of the network's parameter list)
 * and its Keras {@code get_weights()} arrays, with the converter between them.
 *
 * @param prefix the layer's name prefix, {@code "<index>_<layer>/"}
 * @param firstParam index of the layer's first DJL parameter in the network's list
 * @param paramCount how many DJL parameters the layer has
 * @param keras the Keras arrays, in Keras' order
 * @param converter DJL ↔ Keras
 */
record LayerWeights(
    String prefix, int firstParam, int paramCount, List<KerasWeight> keras,
    WeightConverter converter) {}
