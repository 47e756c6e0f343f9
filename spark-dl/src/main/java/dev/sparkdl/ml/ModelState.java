package dev.sparkdl.ml;

import dev.sparkdl.callbacks.History;
import dev.sparkdl.distributed.RoundStats;
import dev.sparkdl.engine.OptimizerState;
import dev.sparkdl.engine.WeightSnapshot;
import dev.sparkdl.spec.CompileOptions;
import dev.sparkdl.spec.NetworkContract;
import dev.sparkdl.spec.Sequential;
import java.io.Serializable;
import java.util.List;

/**
 * What a fitted model holds besides its params: the network's contract (network with its input
 * shape, compile options, output head, label form), final weights and optimizer state, history
 * and how the run went.
 *
 * @param id names this trained state (a random UUID at fit time): equal ids mean equal network
 *     and weights, which lets executors reuse networks across scoring tasks
 * @param contract the network, its resolved compile options, output head and label form
 * @param weights the trained weights
 * @param optimizer the optimizer state at the end of training
 * @param history per-epoch metrics
 * @param rounds per-round statistics
 * @param numFeatures values per feature vector
 * @param trainRows rows trained on
 * @param validationRows rows held out for validation
 * @param conversionSeconds time to convert and cache the rows
 * @param trainSeconds time spent training
 */
public record ModelState(
    String id,
    NetworkContract contract,
    WeightSnapshot weights,
    OptimizerState optimizer,
    History history,
    List<RoundStats> rounds,
    int numFeatures,
    long trainRows,
    long validationRows,
    double conversionSeconds,
    double trainSeconds)
    implements Serializable {

  /** @return the network, with its input shape */
  public Sequential spec() {
    return contract.network();
  }

  /** @return the resolved compile options */
  public CompileOptions compile() {
    return contract.compile();
  }

  /** @return classes (0 for regression) */
  public int numClasses() {
    return contract.numClasses();
  }
}
