package dev.sparkdl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.ml.NeuralNetModel;
import dev.sparkdl.testing.TestSpark;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.ml.PipelineModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BackupAndRestore survives a real kill: {@code spark-dl train} runs in its own JVM with a
 * BackupAndRestore callback from the job file, is killed with SIGKILL once a backup after epoch
 * 5 or later exists, and is started again with the same job file: it resumes, completes, and its
 * weights are bit-identical to those of a run that was never interrupted.
 */
class ResumeAfterKillTest {
  private static final int EPOCHS = 40;

  @TempDir Path dir;

  private String job(Path csv, String output, String backupDir) {
    String callbacks = backupDir == null ? "" : ", \"callbacks\": [{\"class_name\":"
        + " \"BackupAndRestore\", \"config\": {\"backup_dir\": \"" + backupDir + "\"}}]";
    return "{\"train\": {\"path\": \"" + csv + "\", \"format\": \"csv\"},"
        + " \"features\": [\"sepal_length_cm\", \"sepal_width_cm\", \"petal_length_cm\","
        + " \"petal_width_cm\"], \"label\": \"target_name\", \"task\": \"classification\","
        + " \"layers\": [{\"class_name\": \"Dense\", \"config\": {\"units\": 8, \"activation\":"
        + " \"relu\"}}, {\"class_name\": \"Dense\", \"config\": {\"units\": 3, \"activation\":"
        + " \"softmax\"}}], \"compile\": {\"optimizer\": {\"class_name\": \"Adam\", \"config\":"
        + " {\"learning_rate\": 0.01}}, \"metrics\": [\"accuracy\"]},"
        + " \"fit\": {\"epochs\": " + EPOCHS + ", \"batchSize\": 16, \"numWorkers\": 2,"
        + " \"seed\": 3, \"validationSplit\": 0.2, \"verbose\": 1" + callbacks + "},"
        + " \"output\": \"" + output + "\", \"overwrite\": true}";
  }

  private Process train(Path jobFile, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-D") || a.startsWith("-XX:+Ignore")) {
        cmd.add(a);
      }
    }
    cmd.add("-Xmx1g");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(SparkDl.class.getName());
    cmd.add("train");
    cmd.add("--job");
    cmd.add(jobFile.toString());
    return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
  }

  private static int newestBackup(Path backups) throws IOException {
    if (!Files.isDirectory(backups)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(backups)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.matches("epoch-\\d+\\.backup"))
          .mapToInt(n -> Integer.parseInt(n.substring(6, 12))).max().orElse(0);
    }
  }

  private static NeuralNetModel model(String path) {
    return Cli.network(PipelineModel.load(path), path);
  }

  @Test
  void aKilledTrainResumesFromItsBackupBitExactly() throws Exception {
    TestSpark.session();
    Path csv = dir.resolve("iris.csv");
    Files.write(csv, CommandLineTest.irisCsv());

    Path refJob = dir.resolve("reference.json");
    Files.writeString(refJob, job(csv, dir.resolve("reference").toString(), null));
    Process ref = train(refJob, dir.resolve("reference.log"));

    Path backups = dir.resolve("backups");
    Path jobFile = dir.resolve("job.json");
    String output = dir.resolve("model").toString();
    Files.writeString(jobFile, job(csv, output, backups.toString()));
    assertTrue(ref.waitFor(5, TimeUnit.MINUTES), "reference run timed out");
    assertEquals(0, ref.exitValue(), Files.readString(dir.resolve("reference.log")));

    Process first = train(jobFile, dir.resolve("first.log"));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (newestBackup(backups) < 5 && first.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    first.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
    assertTrue(first.waitFor(1, TimeUnit.MINUTES));
    String firstLog = Files.readString(dir.resolve("first.log"));
    int killedAfter = newestBackup(backups);
    assertTrue(killedAfter >= 5 && killedAfter < EPOCHS, "killed mid-fit after epoch "
        + killedAfter + ": " + firstLog);
    assertEquals(137, first.exitValue(), "SIGKILL");
    assertFalse(Files.exists(Path.of(output)), "the killed run saved no model");

    Process second = train(jobFile, dir.resolve("second.log"));
    assertTrue(second.waitFor(5, TimeUnit.MINUTES), "resumed run timed out");
    String secondLog = Files.readString(dir.resolve("second.log"));
    assertEquals(0, second.exitValue(), secondLog);
    int resumedAfter = Integer.parseInt(secondLog.replaceAll("(?s).*resuming after epoch (\\d+).*",
        "$1"));
    assertTrue(resumedAfter >= killedAfter, secondLog);
    assertFalse(secondLog.contains("Epoch 1/" + EPOCHS + " "), "epochs before the backup are not"
        + " trained again");

    NeuralNetModel resumed = model(output);
    NeuralNetModel reference = model(dir.resolve("reference").toString());
    assertEquals(EPOCHS, resumed.history().size());
    assertEquals(reference.weights(), resumed.weights(),
        "bit-identical to the uninterrupted run (killed after epoch " + killedAfter + ")");
    assertFalse(Files.exists(backups), "the backup is deleted when the fit completes");
    assertTrue(new File(output).isDirectory());
  }
}
