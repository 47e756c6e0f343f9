package dev.sparkdl.distributed;

import dev.sparkdl.spec.CompileOptions;
import dev.sparkdl.spec.LabelMode;
import dev.sparkdl.spec.NetworkContract;
import dev.sparkdl.spec.Sequential;
import java.io.Serializable;
import java.util.List;

/**
 * Everything a partition needs to train, shipped once per round with the task closure. The
 * network contract travels as its JSON and is parsed once per task (no DJL object is
 * serialised).
 *
 * @param contract the network with its input shape, compile options, output head and label form
 * @param batchSize training minibatch size
 * @param averagingFrequency minibatches per partition between two averagings (K, resolved)
 * @param seed the run's seed
 * @param threadsPerTask PyTorch intra-op threads per task
 * @param evalBatchSize batch size for validation and scoring
 * @param device auto, cpu or gpu (see {@link dev.sparkdl.engine.Engines#device})
 */
public record TrainingPlan(
    NetworkContract contract,
    int batchSize,
    int averagingFrequency,
    long seed,
    int threadsPerTask,
    int evalBatchSize,
    String device)
    implements Serializable {

  Sequential spec() {
    return contract.network();
  }

  CompileOptions compile() {
    return contract.compile();
  }

  List<Integer> inputShape() {
    return contract.inputShape();
  }

  LabelMode label() {
    return contract.label();
  }
}
