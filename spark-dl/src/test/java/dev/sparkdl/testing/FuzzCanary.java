package dev.sparkdl.testing;

/**
 * A class no reader may load: the fuzz tests write its name into the files they mutate, and its
 * static initializer records that it was loaded.
 */
public final class FuzzCanary {
  /** The system property set when this class is initialised. */
  public static final String LOADED = "sparkdl.fuzz.canary.loaded";

  static {
    System.setProperty(LOADED, "true");
  }

  private FuzzCanary() {}
}
