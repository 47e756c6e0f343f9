package dev.sparkdl.spec;

import java.io.Serializable;

/**
 * How a label column becomes targets: part of a network's {@link NetworkContract}.
 *
 * @param kind CLASS_INDEX (a double in [0, classes)), VECTOR (one-hot or probabilities of length
 *     {@code classes}) or VALUE (a regression target)
 * @param classes the number of classes (0 for VALUE)
 * @param oneHot for CLASS_INDEX: expand the index to a one-hot vector of length {@code classes}
 *     (categorical cross-entropies); otherwise the index itself is the target (one sigmoid unit)
 */
public record LabelMode(Kind kind, int classes, boolean oneHot) implements Serializable {
  /** The kinds of label. */
  public enum Kind {
    /** A class index 0.0, 1.0, ... */
    CLASS_INDEX,
    /** A vector of per-class targets. */
    VECTOR,
    /** A real value. */
    VALUE
  }

  /** @return floats stored per row */
  public int storedWidth() {
    return kind == Kind.VECTOR ? classes : 1;
  }

  /** @return floats per row handed to the network */
  public int targetWidth() {
    return kind == Kind.VECTOR || (kind == Kind.CLASS_INDEX && oneHot) ? classes : 1;
  }
}
