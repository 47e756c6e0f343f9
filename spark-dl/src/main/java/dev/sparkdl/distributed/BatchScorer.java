package dev.sparkdl.distributed;

import dev.sparkdl.data.Features;
import dev.sparkdl.data.InternalRows;
import dev.sparkdl.engine.ComputeDevice;
import dev.sparkdl.engine.Engines;
import dev.sparkdl.engine.Network;
import dev.sparkdl.engine.WeightSnapshot;
import dev.sparkdl.spec.NetworkContract;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.CatalystTypeConverters$;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.unsafe.Platform;
import scala.Function1;
import org.apache.spark.sql.types.StructType;

/**
 * Scores a DataFrame in batches: inside {@code mapPartitions} rows are grouped into batches of
 * {@code batchSize}, one network per task predicts each batch in one call, and the output
 * columns are appended. Rows stay in Spark's internal format (features are read from it
 * directly and the input columns are passed through, not re-encoded). Each task borrows a
 * network of the model from its executor's {@link NetworkPool} (building it the first time) and
 * returns it when the partition is done or the task ends.
 */
public final class BatchScorer {
  private BatchScorer() {}

  /**
   * What every scoring task needs.
   *
   * @param contract the network with its input shape and output head
   * @param modelKey names the network and its weights, for reusing networks across tasks
   * @param featuresCol the features column
   * @param batchSize rows per prediction call
   * @param outputs the columns to append
   * @param device auto, cpu or gpu
   */
  public record Plan(
      NetworkContract contract,
      String modelKey,
      String featuresCol,
      int batchSize,
      OutputColumns outputs,
      String device)
      implements Serializable {

    /** @return the per-sample input shape */
    List<Integer> inputShape() {
      return contract.inputShape();
    }
  }

  /**
   * @param data the rows to score (any columns, including the features column)
   * @param plan the scoring plan
   * @param weights the broadcast weights
   * @return {@code data} with the output columns appended (lazy, like any transformation)
   */
  public static Dataset<Row> score(Dataset<Row> data, Plan plan, Broadcast<WeightSnapshot> weights) {
    StructType in = data.schema();
    StructType out = in;
    for (StructField f : plan.outputs().fields()) {
      out = out.add(f);
    }
    int featuresIndex = in.fieldIndex(plan.featuresCol());
    DataType featuresType = in.apply(featuresIndex).dataType();
    RDD<InternalRow> input = InternalRows.of(data);
    int threads = DistributedTrainer.threadsPerTask(
        JavaSparkContext.fromSparkContext(input.sparkContext()), input.getNumPartitions());
    JavaRDD<InternalRow> scored = input.toJavaRDD().mapPartitions(
        rows -> new Batches(rows, plan, threads, weights, featuresIndex, featuresType), true);
    return InternalRows.dataFrame(data.sparkSession(), scored.rdd(), out);
  }

  /**
   * Closes the networks this JVM keeps between scoring tasks (at most {@value
   * NetworkPool#MODELS} models × {@value NetworkPool#PER_MODEL} networks; on the executors of
   * local mode, that is the driver's JVM). The next {@code transform()} builds them again. For
   * long-lived local sessions that want the native memory back, and for leak checks.
   *
   * @return the networks closed
   */
  public static int closeIdleNetworks() {
    return NetworkPool.closeIdle();
  }

  /** @return the idle scoring networks kept in this JVM */
  public static int idleNetworks() {
    return NetworkPool.idle();
  }

  /** A lazy iterator that predicts a batch whenever the previous one is used up. */
  private static final class Batches implements Iterator<InternalRow> {
    private final Iterator<InternalRow> rows;
    private final Plan plan;
    private final int threads;
    private final Broadcast<WeightSnapshot> weights;
    private final int featuresIndex;
    private final DataType featuresType;
    private final List<InternalRow> batch = new ArrayList<>();
    private final List<Function1<Object, Object>> toCatalyst = new ArrayList<>();
    private Network net;
    private String poolKey;
    private UnsafeRow[] slots;
    private byte[][] buffers;
    private int width;
    private float[] x;
    private float[] raw;
    private float[] act;
    private float[][] sampled;
    private long batchNumber;
    private int next;
    private long rowNumber;

    Batches(Iterator<InternalRow> rows, Plan plan, int threads, Broadcast<WeightSnapshot> weights,
        int featuresIndex, DataType featuresType) {
      this.rows = rows;
      this.plan = plan;
      this.threads = threads;
      this.weights = weights;
      this.featuresIndex = featuresIndex;
      this.featuresType = featuresType;
      for (StructField f : plan.outputs().fields()) {
        toCatalyst.add(CatalystTypeConverters$.MODULE$.createToCatalystConverter(f.dataType()));
      }
      TaskContext ctx = TaskContext.get();
      if (ctx != null) {
        ctx.addTaskCompletionListener((TaskContext c) -> close());
      }
    }

    @Override
    public boolean hasNext() {
      if (next < batch.size()) {
        return true;
      }
      if (!rows.hasNext()) {
        close();
        return false;
      }
      fill();
      return true;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Object[] extra = plan.outputs().values(raw, act, sampled, next * width, width);
      for (int i = 0; i < extra.length; i++) {
        extra[i] = toCatalyst.get(i).apply(extra[i]);
      }
      return new JoinedRow(batch.get(next++), new GenericInternalRow(extra));
    }

    private void fill() {
      if (net == null) {
        Engines.setIntraOpThreads(threads);
        ComputeDevice device = TaskDevices.current(plan.device());
        // pooled per model and device: a network must not move to another task's GPU
        poolKey = plan.modelKey() + "@" + device;
        net = NetworkPool.borrow(poolKey, () -> {
          Network n = Network.create(plan.contract().network(), null, plan.inputShape(), 0,
              device);
          n.setWeights(weights.value());
          return n;
        });
        width = net.outputSize();
        x = new float[plan.batchSize() * net.inputSize()];
        raw = new float[plan.batchSize() * width];
        act = new float[plan.batchSize() * width];
      }
      batch.clear();
      next = 0;
      int d = net.inputSize();
      while (batch.size() < plan.batchSize() && rows.hasNext()) {
        InternalRow r = rows.next();
        rowNumber++;
        int len = Features.length(r, featuresIndex, featuresType);
        if (len != d) {
          throw new IllegalArgumentException(
              "Cannot score row " + rowNumber + " of this partition: column " + plan.featuresCol()
                  + (len == Features.NULL ? " is null" : " has " + len + " values")
                  + ", the model expects " + d + " (input shape " + plan.inputShape() + ").");
        }
        if (!Features.write(r, featuresIndex, featuresType, x, batch.size() * d)) {
          throw new IllegalArgumentException(
              "Cannot score row " + rowNumber + " of this partition: column " + plan.featuresCol()
                  + " holds NaN, infinite or null values: "
                  + Features.preview(r, featuresIndex, featuresType)
                  + ". Impute or drop such rows before transform().");
        }
        batch.add(keep(r, batch.size()));
      }
      int n = batch.size();
      float[] xs = n == plan.batchSize() ? x : java.util.Arrays.copyOf(x, n * d);
      float[] r = n == plan.batchSize() ? raw : new float[n * width];
      float[] a = n == plan.batchSize() ? act : new float[n * width];
      net.predict(xs, n, r, a);
      raw = r;
      act = a;
      int passes = plan.outputs().mcSamples();
      if (passes > 0) {
        // the masks depend on the partition and the batch only: scoring is reproducible
        TaskContext ctx = TaskContext.get();
        long partition = ctx == null ? 0 : ctx.partitionId();
        sampled = new float[passes][n * width];
        net.predictWithDropout(xs, n, passes, (partition << 32) ^ batchNumber * 0x9E3779B97F4A7C15L,
            sampled);
      }
      batchNumber++;
    }

    /**
     * Keeps row {@code i} of the batch past the next call of the input iterator, which may
     * reuse the row object. Spark's own rows are copied into buffers kept from batch to batch
     * (allocating a fresh copy of every row, 6 kB for an MNIST vector, was the largest cost of
     * scoring); the rows handed on are only read before the next batch is filled, and Spark's
     * consumers copy what they keep.
     */
    private InternalRow keep(InternalRow r, int i) {
      if (!(r instanceof UnsafeRow u)) {
        return r.copy();
      }
      if (slots == null) {
        slots = new UnsafeRow[plan.batchSize()];
        buffers = new byte[plan.batchSize()][];
      }
      int size = u.getSizeInBytes();
      if (buffers[i] == null || buffers[i].length < size || slots[i].numFields() != u.numFields()) {
        buffers[i] = new byte[size];
        slots[i] = new UnsafeRow(u.numFields());
      }
      u.writeToMemory(buffers[i], Platform.BYTE_ARRAY_OFFSET);
      slots[i].pointTo(buffers[i], size);
      return slots[i];
    }

    private void close() {
      if (net != null) {
        NetworkPool.giveBack(poolKey, net);
        net = null;
      }
    }
  }
}
