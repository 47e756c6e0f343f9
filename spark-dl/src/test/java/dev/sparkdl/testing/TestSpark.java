package dev.sparkdl.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;

/** One real local[2] SparkSession shared by every test class of the run, and a job counter. */
public final class TestSpark {
  private static SparkSession session;
  private static final AtomicInteger JOBS = new AtomicInteger();
  private static final List<String> DESCRIPTIONS = new CopyOnWriteArrayList<>();

  private TestSpark() {}

  /** @return the shared local[2] session */
  public static synchronized SparkSession session() {
    if (session == null) {
      session =
          SparkSession.builder()
              .master("local[2]")
              .appName("spark-dl tests")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "2")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .getOrCreate();
      session.sparkContext().addSparkListener(new SparkListener() {
        @Override
        public void onJobStart(SparkListenerJobStart jobStart) {
          JOBS.incrementAndGet();
          String d = jobStart.properties() == null ? null
              : jobStart.properties().getProperty("spark.job.description");
          DESCRIPTIONS.add(String.valueOf(d));
        }
      });
    }
    return session;
  }

  /** @return the descriptions of the jobs started so far ("null" for none) */
  public static List<String> jobDescriptions() {
    jobsStarted();
    return List.copyOf(DESCRIPTIONS);
  }

  /** @return Spark jobs started so far (after the listener bus has caught up) */
  public static int jobsStarted() {
    try {
      session().sparkContext().listenerBus().waitUntilEmpty();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Spark's listener bus did not drain", e);
    }
    return JOBS.get();
  }
}
