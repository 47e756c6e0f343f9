package dev.sparkdl.spec;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Validation of names against closed vocabularies, with messages that list the valid ones. */
final class Names {
  private Names() {}

  /**
   * Returns {@code value} lower-cased if it is one of {@code valid}, otherwise throws.
   *
   * @param what what kind of name this is ("activation", "loss", ...)
   * @param value the name received
   * @param valid the accepted names
   */
  static String check(String what, String value, Collection<String> valid) {
    if (value == null) {
      throw new SpecException(
          "Received no " + what + " (null). Expected one of " + String.join(", ", valid) + ".");
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (!valid.contains(v)) {
      throw new SpecException(
          "Unknown " + what + " '" + value + "'. Valid " + plural(what) + ": " + String.join(", ", valid)
              + ".");
    }
    return v;
  }

  static String plural(String what) {
    return what.endsWith("s") ? what + "es" : what + "s";
  }

  static List<String> list(String... names) {
    return List.copyOf(Arrays.asList(names));
  }
}
