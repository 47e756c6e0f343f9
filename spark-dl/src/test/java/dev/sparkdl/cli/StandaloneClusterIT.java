package dev.sparkdl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkdl.testing.TestSpark;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real standalone Spark cluster from the Maven jars — a Master and two Workers, each its own
 * JVM on 127.0.0.1 — and the shaded application jar submitted through Spark's own submit path
 * ({@code org.apache.spark.deploy.SparkSubmit}): train, then score on the cluster and in local
 * mode, which must agree; and two faults survived with weights byte-identical to the undisturbed
 * run: a task failing its first attempt, and an executor JVM killed (SIGKILL) during a round
 * (the test-only hook {@code spark.sparkdl.test.fault}, see {@code distributed.FaultInjection}).
 * Runs in {@code mvn verify} (it needs the packaged jar); alone:
 * {@code mvn -pl spark-dl verify -Dit.test=StandaloneClusterIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("cluster")
class StandaloneClusterIT {
  private static final List<Process> DAEMONS = new ArrayList<>();
  private static Path work;
  private static Path sparkHome;
  private static Path appJar;
  private static String master;

  @BeforeAll
  static void startCluster() throws Exception {
    work = Files.createTempDirectory("spark-dl-cluster");
    appJar = findAppJar();
    sparkHome = work.resolve("spark-home");
    Path jars = Files.createDirectories(sparkHome.resolve("jars"));
    for (String entry : Files.readString(Paths.get("target/classpath.txt")).trim().split(File.pathSeparator)) {
      String name = Paths.get(entry).getFileName().toString();
      boolean ours = entry.contains("/ai/djl/") || name.startsWith("picocli") || name.startsWith("jna-");
      if (entry.endsWith(".jar") && !ours && !Files.exists(jars.resolve(name))) {
        Files.createSymbolicLink(jars.resolve(name), Paths.get(entry));
      }
    }
    int port = freePort();
    int ui = freePort();
    master = "spark://127.0.0.1:" + port;
    DAEMONS.add(start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
        "--port", String.valueOf(port), "--webui-port", String.valueOf(ui)));
    for (int w = 1; w <= 2; w++) {
      Path dir = Files.createDirectories(work.resolve("worker-" + w));
      DAEMONS.add(start("worker-" + w, "org.apache.spark.deploy.worker.Worker", "--host",
          "127.0.0.1", "--cores", "1", "--memory", "2g", "--webui-port",
          String.valueOf(freePort()), "--work-dir", dir.toString(), master));
    }
    waitForWorkers(ui, 2, Duration.ofSeconds(120));
  }

  @AfterAll
  static void stopCluster() {
    for (Process p : DAEMONS) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  @Test
  void trainAndScoreThroughSparkSubmitOnTwoWorkerJvms() throws Exception {
    Path[] data = irisSplit();
    String model = work.resolve("model").toString();
    Path job = work.resolve("job.json");
    Files.writeString(job, """
        {
          "train": {"path": "%s", "format": "csv"},
          "test": {"path": "%s", "format": "csv"},
          "features": ["sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"],
          "label": "target_name",
          "task": "classification",
          "layers": [{"class_name": "Dense", "config": {"units": 16, "activation": "relu"}},
                     {"class_name": "Dense", "config": {"units": 3, "activation": "softmax"}}],
          "compile": {"loss": "sparse_categorical_crossentropy",
                      "optimizer": {"class_name": "Adam", "config": {"learning_rate": 0.02}},
                      "metrics": ["accuracy"]},
          "fit": {"epochs": 60, "batchSize": 16, "numWorkers": 2, "seed": 7},
          "output": "%s"
        }""".formatted(data[0], data[1], model));

    Run train = submit(true, "train", "--job", job.toString());
    assertEquals(0, train.code, train.log());
    JsonNode r = train.result();
    assertTrue(r.path("test").path("accuracy").asDouble() >= 0.9, r.toString());
    List<Long> executors = new ArrayList<>();
    r.path("executor_pids").forEach(p -> executors.add(p.asLong()));
    long driver = r.path("driver_pid").asLong();
    assertEquals(2, executors.size(), "two executor JVMs trained: " + r);
    assertFalse(executors.contains(driver), "executors are not the driver: " + r);
    assertEquals(2, r.path("workers").asInt());

    // faults, on a 4-epoch version of the job (16 rounds): first the undisturbed reference
    String shortJob = Files.readString(job).replace("\"epochs\": 60", "\"epochs\": 4")
        .replace("\"test\": {\"path\": \"" + data[1] + "\", \"format\": \"csv\"},", "");
    String reference = work.resolve("model-reference").toString();
    Files.writeString(work.resolve("job-reference.json"), shortJob.replace(model, reference));
    Run plain = submit(true, "train", "--job", work.resolve("job-reference.json").toString());
    assertEquals(0, plain.code, plain.log());
    byte[] undisturbed = weightsOf(reference);

    // a task that fails on its first attempt in round 1 of epoch 3: Spark retries it
    String failed = work.resolve("model-task-failed").toString();
    Files.writeString(work.resolve("job-failed.json"), shortJob.replace(model, failed));
    Run retried = finish(start(true,
        List.of("spark.sparkdl.test.fault=fail:epoch=3,round=1,partition=0"), "-task-failure",
        "train", "--job", work.resolve("job-failed.json").toString()));
    assertEquals(0, retried.code, retried.log());
    assertTrue(retried.output.contains("Injected test fault"),
        "the injected failure happened: " + retried.log());
    assertTrue(Arrays.equals(undisturbed, weightsOf(failed)),
        "weights after a retried task equal the undisturbed run's");

    // an executor JVM killed (SIGKILL) while it trains round 0 of epoch 3
    String killed = work.resolve("model-executor-killed").toString();
    Files.writeString(work.resolve("job-killed.json"), shortJob.replace(model, killed));
    Path marker = work.resolve("paused-executor.pid");
    Submitted run = start(true, List.of("spark.sparkdl.test.fault=pause:epoch=3,round=0,"
        + "partition=0,millis=120000,marker=" + marker), "-executor-kill",
        "train", "--job", work.resolve("job-killed.json").toString());
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (!Files.exists(marker) || Files.readString(marker).isBlank()) {
      assertTrue(System.nanoTime() < deadline && run.process().isAlive(),
          "the paused round never started; log " + run.log());
      Thread.sleep(100);
    }
    long victim = Long.parseLong(Files.readString(marker).trim());
    ProcessHandle executor = ProcessHandle.of(victim).orElseThrow();
    assertTrue(executor.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"),
        "the paused task runs in an executor JVM: " + executor.info().commandLine());
    executor.destroyForcibly(); // SIGKILL
    executor.onExit().get(30, TimeUnit.SECONDS);
    Run survived = finish(run);
    assertEquals(0, survived.code, survived.log());
    assertTrue(Arrays.equals(undisturbed, weightsOf(killed)),
        "weights after a killed executor equal the undisturbed run's");
    List<Long> finalExecutors = new ArrayList<>();
    survived.result().path("executor_pids").forEach(p -> finalExecutors.add(p.asLong()));
    // after the kill both partitions may train on the surviving executor (their cached blocks
    // recomputed there) or on a replacement the Worker started
    assertFalse(finalExecutors.isEmpty(), survived.result().toString());
    assertFalse(finalExecutors.contains(survived.result().path("driver_pid").asLong()));
    assertFalse(finalExecutors.contains(victim),
        "executor_pids names the executors of the final round, not the killed one: "
            + finalExecutors + " vs " + victim);

    String onCluster = work.resolve("scores-cluster").toString();
    String local = work.resolve("scores-local").toString();
    Run scoreCluster = submit(true, "score", "--model", model, "--input", data[1].toString(),
        "--output", onCluster);
    assertEquals(0, scoreCluster.code, scoreCluster.log());
    Run scoreLocal = submit(false, "score", "--model", model, "--input", data[1].toString(),
        "--output", local);
    assertEquals(0, scoreLocal.code, scoreLocal.log());

    List<Row> a = sorted(onCluster);
    List<Row> b = sorted(local);
    assertEquals(30, a.size());
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).getDouble(0), b.get(i).getDouble(0), 0.0, "prediction of row " + i);
      List<Double> p = a.get(i).getList(1);
      List<Double> q = b.get(i).getList(1);
      for (int j = 0; j < p.size(); j++) {
        assertEquals(p.get(j), q.get(j), 1e-6, "probability of row " + i);
      }
    }
  }

  /** @return the bytes of the one weights.bin under a saved model directory */
  private static byte[] weightsOf(String model) throws IOException {
    try (var files = Files.walk(Path.of(model))) {
      List<Path> w = files.filter(f -> f.getFileName().toString().equals("weights.bin")).toList();
      assertEquals(1, w.size(), "weights.bin files under " + model + ": " + w);
      return Files.readAllBytes(w.get(0));
    }
  }

  private static List<Row> sorted(String path) {
    return TestSpark.session().read().parquet(path)
        .orderBy("sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm", "target")
        .select("prediction", "probability").collectAsList();
  }

  /** Runs SparkSubmit in its own JVM: on the cluster, or in local mode. */
  private static Run submit(boolean cluster, String... args) throws Exception {
    return finish(start(cluster, List.of(), "", args));
  }

  /** A started spark-submit and its log. */
  private record Submitted(Process process, Path log, String name) {}

  /**
   * Starts SparkSubmit in its own JVM.
   *
   * @param confs extra {@code --conf} values
   * @param tag distinguishes the log of this run
   */
  private static Submitted start(boolean cluster, List<String> confs, String tag, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>(javaCommand());
    cmd.add("org.apache.spark.deploy.SparkSubmit");
    cmd.addAll(List.of("--master", cluster ? master : "local[2]", "--class",
        "dev.sparkdl.cli.SparkDl", "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.driver.bindAddress=127.0.0.1", "--conf", "spark.ui.enabled=false",
        "--conf", "spark.executor.memory=1g", "--conf", "spark.cores.max=2",
        "--conf", "spark.executor.extraJavaOptions=" + String.join(" ", jvmFlags())));
    for (String c : confs) {
      cmd.addAll(List.of("--conf", c));
    }
    cmd.add(appJar.toString());
    cmd.addAll(Arrays.asList(args));
    String name = args[0] + tag + "-" + (cluster ? "cluster" : "local");
    Path log = work.resolve("submit-" + name + ".log");
    Process p = builder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new Submitted(p, log, name);
  }

  private static Run finish(Submitted s) throws Exception {
    Process p = s.process();
    Path log = s.log();
    String[] args = {s.name()};
    if (!p.waitFor(6, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("spark-submit " + args[0] + " timed out; log: " + log);
    }
    return new Run(p.exitValue(), Files.readString(log));
  }

  private record Run(int code, String output) {
    JsonNode result() throws IOException {
      return CommandLineTest.result(output, "\n" + log());
    }

    String log() {
      return output.length() > 6000 ? output.substring(output.length() - 6000) : output;
    }
  }

  private static Process start(String name, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(javaCommand());
    cmd.add(mainClass);
    cmd.addAll(Arrays.asList(args));
    return builder(cmd).redirectErrorStream(true)
        .redirectOutput(work.resolve(name + ".log").toFile()).start();
  }

  private static List<String> javaCommand() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.addAll(jvmFlags());
    cmd.add("-cp");
    cmd.add(sparkHome.resolve("jars") + File.separator + "*");
    return cmd;
  }

  private static List<String> jvmFlags() {
    return Arrays.asList(System.getProperty("sparkdl.jvm.flags", "").trim().split("\\s+"));
  }

  private static ProcessBuilder builder(List<String> cmd) {
    ProcessBuilder b = new ProcessBuilder(cmd).directory(work.toFile());
    Map<String, String> env = b.environment();
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_LOG_DIR", work.toString());
    return b;
  }

  private static void waitForWorkers(int ui, int n, Duration timeout) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        last = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ui + "/json/"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        if (new ObjectMapper().readTree(last).path("aliveworkers").asInt() >= n) {
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("the standalone cluster did not get " + n + " workers: " + last
        + "; logs in " + work);
  }

  private static Path findAppJar() throws IOException {
    try (var files = Files.list(Paths.get("target"))) {
      return files.filter(p -> p.getFileName().toString().endsWith("-all.jar")).findFirst()
          .orElseThrow(() -> new AssertionError("no target/*-all.jar: run mvn verify (package first)"))
          .toAbsolutePath();
    }
  }

  /** Iris as two CSV files: 120 training rows and 30 test rows (every fifth row). */
  private static Path[] irisSplit() throws IOException {
    List<String> lines = Arrays.asList(
        new String(CommandLineTest.irisCsv(), StandardCharsets.UTF_8).split("\n"));
    List<String> train = new ArrayList<>(List.of(lines.get(0)));
    List<String> test = new ArrayList<>(List.of(lines.get(0)));
    for (int i = 1; i < lines.size(); i++) {
      (i % 5 == 0 ? test : train).add(lines.get(i));
    }
    Path a = work.resolve("train.csv");
    Path b = work.resolve("test.csv");
    Files.write(a, train);
    Files.write(b, test);
    return new Path[] {a, b};
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
