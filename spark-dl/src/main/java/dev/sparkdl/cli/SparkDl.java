package dev.sparkdl.cli;

import dev.sparkdl.ml.Versions;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The spark-dl command line: {@code spark-submit --class dev.sparkdl.cli.SparkDl
 * spark-dl_2.13-VERSION-all.jar train --job job.json}, or {@code bin/spark-dl train --job
 * job.json} in Spark's local mode. Exit codes: 0 done, 2 bad input (a job file, command line,
 * network, data or model that cannot be used as given; one message, no stack trace, nothing
 * written), 1 a run that failed.
 */
@Command(
    name = "spark-dl",
    mixinStandardHelpOptions = true,
    versionProvider = SparkDl.Version.class,
    description = "Train, score, evaluate, describe, plot, import and export Keras-style networks on Spark.",
    subcommands = {TrainCommand.class, ScoreCommand.class, EvaluateCommand.class,
        SummaryCommand.class, PlotCommand.class, ImportCommand.class, ExportCommand.class})
public final class SparkDl implements Runnable {
  /** Exit code of bad input: a job file, command line, network, data or model directory. */
  public static final int BAD_INPUT = 2;
  /** Exit code of a run that failed. */
  public static final int FAILED = 1;

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** @param args a subcommand and its options */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs a command line without exiting the JVM.
   *
   * @return the exit code
   */
  public static int run(String... args) {
    return run(new PrintWriter(System.err, true), args);
  }

  /**
   * Runs a command line, writing errors to {@code err}.
   *
   * @return the exit code
   */
  public static int run(PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new SparkDl());
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      if (isBadInput(e)) {
        err.println("spark-dl " + line.getCommandName() + ": " + e.getMessage());
        if (System.getenv("SPARKDL_STACKTRACE") != null) {
          e.printStackTrace(err); // for reporting a check that refuses good input
        }
        err.flush();
        return BAD_INPUT;
      }
      err.println("spark-dl " + line.getCommandName() + " failed: " + message(e));
      e.printStackTrace(err);
      err.flush();
      return FAILED;
    });
    return cl.execute(args);
  }

  /**
   * A user error, reported in one message without a stack trace (exit code 2): a bad job file or
   * command line ({@link JobFileException}), a refused network, param, schema or data value (an
   * {@link IllegalArgumentException} thrown by spark-dl's own checks), a directory or file that
   * is not a usable model ({@link dev.sparkdl.ml.ModelLoadException}). Anything else is a failure
   * (exit code 1, with the stack trace).
   */
  static boolean isBadInput(Throwable e) {
    if (e instanceof JobFileException || e instanceof dev.sparkdl.spec.SpecException
        || e instanceof dev.sparkdl.ml.ModelLoadException) {
      return true;
    }
    if (e instanceof IllegalArgumentException && e.getMessage() != null) {
      StackTraceElement[] at = e.getStackTrace();
      return at.length > 0 && at[0].getClassName().startsWith("dev.sparkdl.");
    }
    return false;
  }

  private static String message(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isBlank())) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  /** Prints the versions. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"spark-dl " + Versions.sparkDl() + " (DJL " + Versions.djl()
          + ", PyTorch " + Versions.pytorch() + ")"};
    }
  }
}
