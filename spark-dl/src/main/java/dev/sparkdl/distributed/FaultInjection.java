package dev.sparkdl.distributed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * A test-only hook that injects a fault into one training task, so that the fault-tolerance
 * tests can show that a fit survives it with bit-identical weights. Off unless the Spark conf
 * holds {@value #KEY} (e.g. {@code spark-submit --conf spark.sparkdl.test.fault=...}); nothing
 * reads it in normal use. Forms:
 *
 * <ul>
 *   <li>{@code fail:epoch=E,round=R,partition=P}: the task of partition P in round R (from 0)
 *       of epoch E (from 1) throws on its first attempt; Spark retries it.
 *   <li>{@code pause:epoch=E,round=R,partition=P,marker=FILE,millis=M}: that task writes its
 *       executor's process id to FILE and sleeps M ms, once (while FILE exists it does not pause
 *       again), so that a test can kill the executor while the round runs.
 * </ul>
 */
final class FaultInjection {
  /** The Spark conf key. */
  static final String KEY = "spark.sparkdl.test.fault";

  private FaultInjection() {}

  /** Called at the start of each training task. */
  static void atRoundStart(RoundInput in, int partition) {
    SparkEnv env = SparkEnv.get();
    if (env == null) {
      return;
    }
    String spec = env.conf().get(KEY, "");
    if (spec.isEmpty()) {
      return;
    }
    int colon = spec.indexOf(':');
    String kind = colon < 0 ? spec : spec.substring(0, colon);
    Map<String, String> args = new HashMap<>();
    if (colon >= 0) {
      for (String kv : spec.substring(colon + 1).split(",")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          args.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
      }
    }
    if (Integer.parseInt(args.getOrDefault("epoch", "-1")) != in.epoch()
        || Integer.parseInt(args.getOrDefault("round", "-1")) != in.round()
        || Integer.parseInt(args.getOrDefault("partition", "-1")) != partition) {
      return;
    }
    TaskContext ctx = TaskContext.get();
    switch (kind.toLowerCase(Locale.ROOT)) {
      case "fail" -> {
        if (ctx != null && ctx.attemptNumber() == 0) {
          throw new IllegalStateException("Injected test fault (" + KEY + "=" + spec
              + ") in attempt 0 of the training task of partition " + partition + ", epoch "
              + in.epoch() + ", round " + in.round() + ".");
        }
      }
      case "pause" -> {
        Path marker = Path.of(args.get("marker"));
        try {
          Files.writeString(marker, Long.toString(ProcessHandle.current().pid()),
              StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (java.nio.file.FileAlreadyExistsException e) {
          return; // paused once already: the retried task runs normally
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        try {
          Thread.sleep(Long.parseLong(args.getOrDefault("millis", "60000")));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      default -> throw new IllegalArgumentException(
          KEY + " must start with fail: or pause:; received " + spec);
    }
  }
}
