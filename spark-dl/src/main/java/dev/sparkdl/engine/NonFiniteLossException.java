package dev.sparkdl.engine;

/**
 * Training produced a NaN or infinite loss. Thrown instead of carrying on with broken weights;
 * the message says where it happened and what usually fixes it.
 */
public class NonFiniteLossException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** @param message where it happened and how to fix it */
  public NonFiniteLossException(String message) {
    super(message);
  }
}
