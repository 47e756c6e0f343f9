package dev.sparkdl.ml;

/**
 * Hands a stage's uid to Spark's trait initialisers, which run in the Scala superclass
 * constructor, before a Java subclass can assign its fields: they create shared params such as
 * {@code featuresCol} with {@code parent = uid()}, and those must carry the requested uid.
 * A constructor calls {@code this(Uids.push(uid))}; its private delegate pops it after
 * {@code super()}.
 */
final class Uids {
  private static final ThreadLocal<String> PENDING = new ThreadLocal<>();

  /** A token proving {@link #push} ran. */
  static final class Token {
    private Token() {}
  }

  private Uids() {}

  static Token push(String uid) {
    PENDING.set(uid);
    return new Token();
  }

  static String pending() {
    return PENDING.get();
  }

  static String pop(Token token) {
    String uid = PENDING.get();
    PENDING.remove();
    return uid;
  }
}
