package dev.sparkdl.ml;

import dev.sparkdl.callbacks.History;
import dev.sparkdl.distributed.RoundStats;
import dev.sparkdl.engine.OptimizerState;
import dev.sparkdl.engine.WeightSnapshot;
import dev.sparkdl.spec.CompileOptions;
import dev.sparkdl.spec.Sequential;
import java.io.Serializable;
import java.util.List;

/**
 * What a fitted model holds besides its params: the network (with its input shape), compile
 * options, final weights and optimizer state, history and how the run went.
 *
 * @param id names this trained state (a random UUID at fit time): equal ids mean equal network
 *     and weights, which lets executors reuse networks across scoring tasks
 * @param specJson the network as Keras JSON, input shape included
 * @param compileJson the resolved compile options
 * @param weights the trained weights
 * @param optimizer the optimizer state at the end of training
 * @param history per-epoch metrics
 * @param rounds per-round statistics
 * @param numFeatures values per feature vector
 * @param numClasses classes (0 for regression)
 * @param trainRows rows trained on
 * @param validationRows rows held out for validation
 * @param conversionSeconds time to convert and cache the rows
 * @param trainSeconds time spent training
 */
public record ModelState(
    String id,
    String specJson,
    String compileJson,
    WeightSnapshot weights,
    OptimizerState optimizer,
    History history,
    List<RoundStats> rounds,
    int numFeatures,
    int numClasses,
    long trainRows,
    long validationRows,
    double conversionSeconds,
    double trainSeconds)
    implements Serializable {

  /** @return the network spec */
  public Sequential spec() {
    return Sequential.fromJson(specJson);
  }

  /** @return the compile options */
  public CompileOptions compile() {
    return CompileOptions.fromJson(compileJson);
  }
}
