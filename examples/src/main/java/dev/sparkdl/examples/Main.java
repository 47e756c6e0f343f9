package dev.sparkdl.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The entry point of {@code examples/run}: one subcommand per example. */
@Command(
    name = "examples/run",
    mixinStandardHelpOptions = true,
    description = "spark-dl example programs. Each ends with one line RESULT {json}.",
    subcommands = {Quickstart.class, ForwardPass.class, Banknote.class, MnistExample.class,
      Benchmark.class, CustomLayerExample.class, MnistCnn.class, Forecast.class, Scaling.class,
      KerasCheckExample.class, Counts.class, Uncertainty.class, Soak.class, Scale.class})
public final class Main implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** @param args the example's name and its options */
  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }
}
