package dev.sparkdl.ml;

/**
 * A directory that cannot be loaded as the requested spark-dl stage: missing, foreign, written by
 * a newer release, incomplete or corrupted. The message names the path and the problem.
 */
public class ModelLoadException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** @param message the path and the problem */
  public ModelLoadException(String message) {
    super(message);
  }

  /**
   * @param message the path and the problem
   * @param cause the underlying error
   */
  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
