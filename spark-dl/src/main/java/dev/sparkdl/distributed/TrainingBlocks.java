package dev.sparkdl.distributed;

import dev.sparkdl.data.ConversionReport;
import dev.sparkdl.data.InternalRows;
import dev.sparkdl.data.PartitionData;
import dev.sparkdl.data.RowConverter;
import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The training rows as float blocks, one {@link PartitionData} per worker partition, converted
 * once and cached ({@code MEMORY_AND_DISK}) for every round. Each partition's training rows are
 * kept in an order given by their content ({@link PartitionData#canonical}), so a worker trains
 * the same way on the same rows whatever order the DataFrame delivered them in. Converting is also validating: the
 * first (and only) pass over the rows counts every bad row, and {@link #convert} fails with one
 * message naming them before any training job runs.
 */
public final class TrainingBlocks implements AutoCloseable {
  private final JavaRDD<PartitionData> rdd;
  private final ConversionReport report;
  private final int[] trainRows;
  private final int featureSize;
  private final double seconds;

  private TrainingBlocks(JavaRDD<PartitionData> rdd, ConversionReport report, int[] trainRows,
      int featureSize, double seconds) {
    this.rdd = rdd;
    this.report = report;
    this.trainRows = trainRows;
    this.featureSize = featureSize;
    this.seconds = seconds;
  }

  /**
   * Converts and validates.
   *
   * @param rows a DataFrame of (features, label) in that order, numeric labels cast to double
   * @param converter how to read and validate each row
   * @param numWorkers the number of partitions to train on; the rows are repartitioned (round
   *     robin) unless they already have exactly this many partitions
   * @param describe turns the merged report into an error message, or null if the data is fine
   * @return the cached blocks
   * @throws IllegalArgumentException with the message of {@code describe}
   */
  public static TrainingBlocks convert(
      Dataset<Row> rows, RowConverter converter, int numWorkers,
      java.util.function.Function<ConversionReport, String> describe) {
    long t0 = System.nanoTime();
    Dataset<Row> parts = rows.rdd().getNumPartitions() == numWorkers ? rows : rows.repartition(numWorkers);
    JavaRDD<PartitionData> rdd =
        InternalRows.of(parts).toJavaRDD()
            .mapPartitionsWithIndex(
                (i, it) -> Collections.singletonList(converter.convert(i, it).canonical())
                    .iterator(), true);
    rdd.persist(StorageLevel.MEMORY_AND_DISK());
    rdd.setName("spark-dl training blocks");
    org.apache.spark.SparkContext sc = rows.sparkSession().sparkContext();
    sc.setJobDescription("spark-dl: convert and validate rows into " + numWorkers + " partitions");
    List<ConversionReport> reports;
    try {
      reports = rdd.map(PartitionData::report).collect();
    } finally {
      sc.setJobDescription(null);
    }
    ConversionReport merged = new ConversionReport();
    int[] perPartition = new int[reports.size()];
    for (int i = 0; i < reports.size(); i++) {
      merged.merge(reports.get(i));
      perPartition[i] = (int) reports.get(i).trainRows();
    }
    String problem = describe.apply(merged);
    if (problem == null && merged.trainRows() == 0) {
      problem = "No rows are left for training (" + merged.rows() + " rows, "
          + merged.validationRows() + " drawn for validation). Lower validationSplit or add"
          + " rows.";
    }
    if (problem != null) {
      rdd.unpersist(false);
      throw new IllegalArgumentException(problem);
    }
    int size = merged.lengths().keySet().iterator().next();
    return new TrainingBlocks(rdd, merged, perPartition, size, (System.nanoTime() - t0) / 1e9);
  }

  /**
   * Fewer workers for few rows: the blocks of neighbouring partitions joined into at most
   * {@code workers} partitions (cached again; these blocks are released), or these blocks if
   * they have no more partitions than that.
   *
   * @param workers the most partitions wanted, &gt;= 1
   * @return the blocks to train on
   */
  public TrainingBlocks withAtMostPartitions(int workers) {
    if (partitions() <= workers) {
      return this;
    }
    long t0 = System.nanoTime();
    JavaRDD<PartitionData> joined = rdd.coalesce(workers)
        .mapPartitions(it -> {
          List<PartitionData> parts = new java.util.ArrayList<>();
          it.forEachRemaining(parts::add);
          return Collections.singletonList(PartitionData.concat(parts)).iterator();
        });
    joined.persist(StorageLevel.MEMORY_AND_DISK());
    joined.setName("spark-dl training blocks");
    org.apache.spark.SparkContext sc = rdd.context();
    sc.setJobDescription("spark-dl: join the rows into " + workers + " partition(s)");
    List<Integer> rows;
    try {
      rows = joined.map(d -> d.train().rows()).collect();
    } finally {
      sc.setJobDescription(null);
    }
    rdd.unpersist(false);
    int[] perPartition = rows.stream().mapToInt(Integer::intValue).toArray();
    return new TrainingBlocks(joined, report, perPartition, featureSize,
        seconds + (System.nanoTime() - t0) / 1e9);
  }

  JavaRDD<PartitionData> rdd() {
    return rdd;
  }

  /** @return the merged conversion report */
  public ConversionReport report() {
    return report;
  }

  /** @return training rows per partition */
  public int[] trainRowsPerPartition() {
    return trainRows.clone();
  }

  /** @return the per-sample shape of the data ({@code [n]} for vectors) */
  public java.util.List<Integer> sampleShape() {
    return report.firstShape();
  }

  /** @return values per feature vector */
  public int featureSize() {
    return featureSize;
  }

  /** @return the number of partitions (workers) */
  public int partitions() {
    return trainRows.length;
  }

  /** @return seconds spent converting (and caching) the rows */
  public double seconds() {
    return seconds;
  }

  /** Drops the cached blocks. */
  @Override
  public void close() {
    rdd.unpersist(false);
  }
}
