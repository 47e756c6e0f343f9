package dev.sparkdl.ml;

import dev.sparkdl.callbacks.History;
import dev.sparkdl.engine.Network;
import dev.sparkdl.engine.Tensor;
import dev.sparkdl.engine.WeightSnapshot;
import dev.sparkdl.spec.CompileOptions;
import dev.sparkdl.spec.Sequential;
import java.util.List;

/** What both fitted models offer besides Spark's Model API: the learned state and its views. */
public interface NeuralNetModel extends NeuralNetParams {

  /** @return what was learned: spec, compile options, weights, history, run statistics */
  ModelState state();

  /**
   * @param value rows per prediction call of transform()
   * @return this model
   */
  NeuralNetModel setInferenceBatchSize(int value);

  /** @return per-epoch loss and metrics (train and validation), Keras' {@code History} */
  default History history() {
    return state().history();
  }

  /** @return the trained network, with its input shape */
  default Sequential network() {
    return state().spec();
  }

  /** @return the loss, optimizer and metrics it was trained with */
  default CompileOptions compileOptions() {
    return state().compile();
  }

  /** @return every parameter and running statistic, DJL layout */
  default WeightSnapshot weights() {
    return state().weights();
  }

  /** @return the weights in Keras' {@code get_weights()} order and layout */
  default List<Tensor> kerasWeights() {
    try (Network net = Network.create(state().spec(), null, 0)) {
      net.setWeights(state().weights());
      return net.kerasWeights();
    }
  }
}
