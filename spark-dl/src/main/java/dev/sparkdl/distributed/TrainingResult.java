package dev.sparkdl.distributed;

import dev.sparkdl.callbacks.History;
import dev.sparkdl.engine.OptimizerState;
import dev.sparkdl.engine.WeightSnapshot;
import java.io.Serializable;
import java.util.List;

/**
 * The outcome of a distributed fit.
 *
 * @param weights the final averaged weights
 * @param optimizer the final averaged optimizer state
 * @param history per-epoch metrics
 * @param rounds per-round statistics
 * @param conversionSeconds time spent turning rows into cached float blocks
 * @param trainSeconds time spent in epochs (rounds, averaging, validation)
 * @param trainRows rows trained on
 * @param validationRows rows held out for validation
 */
public record TrainingResult(
    WeightSnapshot weights,
    OptimizerState optimizer,
    History history,
    List<RoundStats> rounds,
    double conversionSeconds,
    double trainSeconds,
    long trainRows,
    long validationRows)
    implements Serializable {}
