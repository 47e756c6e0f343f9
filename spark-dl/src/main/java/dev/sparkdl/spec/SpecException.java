package dev.sparkdl.spec;

/**
 * A network or compile spec that cannot be built: an unknown name, an argument out of range, a
 * malformed JSON document. The message says what was received, what was expected and how to fix
 * it.
 */
public class SpecException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** @param message what was wrong, what was expected, what was received */
  public SpecException(String message) {
    super(message);
  }

  /**
   * @param message what was wrong, what was expected, what was received
   * @param cause the underlying parse error
   */
  public SpecException(String message, Throwable cause) {
    super(message, cause);
  }
}
