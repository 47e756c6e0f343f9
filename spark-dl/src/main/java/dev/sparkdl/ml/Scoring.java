package dev.sparkdl.ml;

import dev.sparkdl.data.ColumnChecks;
import dev.sparkdl.distributed.BatchScorer;
import dev.sparkdl.distributed.OutputColumns;
import dev.sparkdl.engine.Network;
import dev.sparkdl.engine.WeightSnapshot;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** transform() and transformSchema() shared by both models, and single-row prediction. */
final class Scoring {
  private Scoring() {}

  static StructType transformSchema(StructType schema, String featuresCol, OutputColumns outputs) {
    ColumnChecks.features(schema, featuresCol);
    StructType out = schema;
    for (StructField f : outputs.fields()) {
      if (Arrays.asList(schema.fieldNames()).contains(f.name())) {
        throw new IllegalArgumentException(
            "Output column " + f.name() + " already exists. Rename it or set another output"
                + " column name on the model.");
      }
      out = out.add(f);
    }
    return out;
  }

  static Dataset<Row> transform(
      Dataset<?> dataset, ModelState state, String featuresCol, int batchSize,
      OutputColumns outputs, String device) {
    transformSchema(dataset.schema(), featuresCol, outputs);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
    Broadcast<WeightSnapshot> weights = broadcast(jsc, state);
    BatchScorer.Plan plan =
        new BatchScorer.Plan(state.contract(), state.id(), featuresCol, batchSize, outputs, device);
    return BatchScorer.score(dataset.toDF(), plan, weights);
  }

  /**
   * The model's weights broadcast once per Spark context and reused by later transform() calls
   * (the last few models are remembered).
   */
  private static Broadcast<WeightSnapshot> broadcast(JavaSparkContext jsc, ModelState state) {
    String key = System.identityHashCode(jsc.sc()) + "/" + state.id();
    synchronized (BROADCASTS) {
      Broadcast<WeightSnapshot> b = BROADCASTS.get(key);
      if (b == null || !b.isValid()) {
        b = jsc.broadcast(state.weights());
        BROADCASTS.put(key, b);
      }
      return b;
    }
  }

  private static final Map<String, Broadcast<WeightSnapshot>> BROADCASTS =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Broadcast<WeightSnapshot>> eldest) {
          return size() > 8;
        }
      };

  /**
   * Predicts one row on the driver with the model's cached network (built on the first call;
   * the networks of the last few models are kept).
   *
   * @return {raw, activated}
   */
  static float[][] predictOne(ModelState state, Vector features) {
    while (true) {
      RowPredictor predictor = predictor(state);
      float[][] out = predictor.predict(features);
      if (out != null) {
        return out;
      }
      // the predictor was closed (evicted) between lookup and use: look it up again
    }
  }

  /**
   * Predicts a batch of rows on the driver with the model's cached network, in one call.
   *
   * @param inputs {@code samples × numFeatures} values, row-major
   * @param samples rows in {@code inputs}
   * @return the activated outputs, {@code samples × outputs}, row-major
   */
  static float[] predictBatch(ModelState state, float[] inputs, int samples) {
    while (true) {
      float[] out = predictor(state).predict(inputs, samples);
      if (out != null) {
        return out;
      }
    }
  }

  private static RowPredictor predictor(ModelState state) {
    RowPredictor evicted = null;
    RowPredictor p;
    synchronized (PREDICTORS) {
      p = PREDICTORS.get(state.id());
      if (p == null) {
        p = new RowPredictor(state);
        PREDICTORS.put(state.id(), p);
        if (PREDICTORS.size() > CACHED_MODELS) {
          String eldest = PREDICTORS.keySet().iterator().next();
          evicted = PREDICTORS.remove(eldest);
        }
      }
    }
    if (evicted != null) {
      evicted.close(); // outside the map's lock: it may wait for a prediction in progress
    }
    return p;
  }

  /** Models whose single-row networks stay cached on the driver. */
  private static final int CACHED_MODELS = 4;

  /** Access-ordered: the least recently used model comes first. */
  private static final Map<String, RowPredictor> PREDICTORS = new LinkedHashMap<>(8, 0.75f, true);

  /** One model's network for driver-side prediction (rows or batches); one call at a time. */
  private static final class RowPredictor {
    private final ModelState state;
    private Network net;
    private boolean closed;

    RowPredictor(ModelState state) {
      this.state = state;
    }

    /** @return {raw, activated}, or null if this predictor was closed */
    synchronized float[][] predict(Vector features) {
      if (closed) {
        return null;
      }
      ensureNetwork();
      if (features.size() != net.inputSize()) {
        throw new IllegalArgumentException(
            "The model expects " + net.inputSize() + " features (input shape "
                + state.contract().inputShape() + "), received " + features.size() + ".");
      }
      double[] d = features.toArray();
      float[] x = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        x[i] = (float) d[i];
      }
      float[] raw = new float[net.outputSize()];
      float[] act = new float[net.outputSize()];
      net.predict(x, 1, raw, act);
      return new float[][] {raw, act};
    }

    /** @return the activated outputs of {@code samples} rows, or null if this was closed */
    synchronized float[] predict(float[] inputs, int samples) {
      if (closed) {
        return null;
      }
      ensureNetwork();
      if (inputs.length != samples * net.inputSize()) {
        throw new IllegalArgumentException("The model expects " + net.inputSize()
            + " features per row; received " + inputs.length + " values for " + samples
            + " rows.");
      }
      return net.predict(inputs, samples);
    }

    private void ensureNetwork() {
      if (net == null) {
        Network built = Network.create(state.spec(), null, 0);
        try {
          built.setWeights(state.weights());
        } catch (RuntimeException e) {
          built.close();
          throw e;
        }
        net = built;
      }
    }

    synchronized void close() {
      closed = true;
      if (net != null) {
        net.close();
        net = null;
      }
    }
  }
}
