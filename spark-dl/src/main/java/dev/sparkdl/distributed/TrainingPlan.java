package dev.sparkdl.distributed;

import dev.sparkdl.data.LabelMode;
import dev.sparkdl.spec.CompileOptions;
import dev.sparkdl.spec.Sequential;
import java.io.Serializable;
import java.util.List;

/**
 * Everything a partition needs to train, shipped once per round with the task closure. Specs
 * travel as their JSON (they are rebuilt in the task: cheap, and no DJL object is serialised).
 *
 * @param specJson the network
 * @param compileJson loss, optimizer, metrics
 * @param inputShape the per-sample input shape
 * @param label how stored labels become targets
 * @param batchSize training minibatch size
 * @param averagingFrequency minibatches per partition between two averagings (K, resolved)
 * @param seed the run's seed
 * @param threadsPerTask PyTorch intra-op threads per task
 * @param evalBatchSize batch size for validation and scoring
 * @param device auto, cpu or gpu (see {@link dev.sparkdl.engine.Engines#device})
 */
public record TrainingPlan(
    String specJson,
    String compileJson,
    List<Integer> inputShape,
    LabelMode label,
    int batchSize,
    int averagingFrequency,
    long seed,
    int threadsPerTask,
    int evalBatchSize,
    String device)
    implements Serializable {

  Sequential spec() {
    return Sequential.fromJson(specJson);
  }

  CompileOptions compile() {
    return CompileOptions.fromJson(compileJson);
  }
}
