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
 * @param learningRate the optimizer's learning rate for this round (the averaging's factor
 *     applied)
 * @param scheduleFactor when positive, the optimizer's learning-rate schedule sets the rate of
 *     every minibatch from the optimizer's iteration count, times this factor (the averaging's);
 *     0 when the rate is constant for the round (no schedule, or a callback set the rate)
 */
record RoundInput(WeightSnapshot weights, OptimizerState optimizer, int epoch, int round,
    double learningRate, double scheduleFactor)
    implements Serializable {}
