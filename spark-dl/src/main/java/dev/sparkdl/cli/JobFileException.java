package dev.sparkdl.cli;

/** A job file or command line that cannot be run as written (exit code 2). */
public class JobFileException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** @param message what is wrong and how to fix it */
  public JobFileException(String message) {
    super(message);
  }
}
