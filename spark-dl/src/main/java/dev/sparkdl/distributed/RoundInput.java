package dev.sparkdl.distributed;

import dev.sparkdl.engine.OptimizerState;
import dev.sparkdl.engine.WeightSnapshot;
import java.io.Serializable;

/**
 * What the driver broadcasts each round.
 *
 * @param weights the averaged weights
 * @param optimizer the averaged optimizer state, or null before the first step
 * @param epoch the epoch, from 1
 * @param round the round within the epoch, from 0
 * @param learningRate the optimizer's learning rate for this round
 */
record RoundInput(WeightSnapshot weights, OptimizerState optimizer, int epoch, int round,
    double learningRate)
    implements Serializable {}
