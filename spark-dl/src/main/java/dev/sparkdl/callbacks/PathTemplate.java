package dev.sparkdl.callbacks;

import dev.sparkdl.spec.SpecException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keras' checkpoint file names: Python format fields such as {@code {epoch:02d}} or {@code
 * {val_loss:.2f}} filled from the epoch number (from 1, as Keras) and the epoch's logs. The
 * format specs Python's {@code str.format} takes for numbers ({@code d}, {@code f}, {@code e},
 * {@code g} with width, zero padding and precision) are supported.
 */
final class PathTemplate {
  private static final Pattern FIELD = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?}");
  private static final Pattern SPEC = Pattern.compile("(0?)(\\d*)(?:\\.(\\d+))?([dfeg%]?)");

  private PathTemplate() {}

  /**
   * @param template the path with fields
   * @param epoch the epoch, from 1
   * @param logs the epoch's logs
   * @return the path
   * @throws SpecException naming a field that is neither {@code epoch} nor logged
   */
  static String fill(String template, int epoch, Map<String, Double> logs) {
    Matcher m = FIELD.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String key = m.group(1);
      Object value;
      if (key.equals("epoch")) {
        value = epoch;
      } else if (logs.containsKey(key)) {
        value = logs.get(key);
      } else {
        throw new SpecException("ModelCheckpoint: the file path " + template + " names {" + key
            + "}, which is not in the logs. Available: epoch, " + String.join(", ",
            logs.keySet()) + ".");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(format(value, m.group(2))));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Checks the fields' format specs without values. */
  static void check(String template) {
    Matcher m = FIELD.matcher(template);
    while (m.find()) {
      if (m.group(2) != null && !SPEC.matcher(m.group(2)).matches()) {
        throw new SpecException("ModelCheckpoint: unsupported format spec {" + m.group(1) + ":"
            + m.group(2) + "} in " + template + ". Use Python number formats such as {epoch:02d}"
            + " or {val_loss:.4f}.");
      }
    }
  }

  private static String format(Object value, String spec) {
    if (spec == null || spec.isEmpty()) {
      return value instanceof Integer i ? Integer.toString(i) : Double.toString((Double) value);
    }
    Matcher s = SPEC.matcher(spec);
    if (!s.matches()) {
      throw new SpecException("ModelCheckpoint: unsupported format spec :" + spec
          + ". Use Python number formats such as {epoch:02d} or {val_loss:.4f}.");
    }
    String zero = s.group(1);
    String width = s.group(2);
    String precision = s.group(3);
    String type = s.group(4);
    double v = ((Number) value).doubleValue();
    if (type.equals("d")) {
      return String.format(Locale.ROOT, "%" + zero + width + "d", Math.round(v));
    }
    if (type.equals("%")) {
      v *= 100;
      type = "f";
    }
    if (type.isEmpty()) {
      type = precision == null ? "s" : "g";
    }
    if (type.equals("s")) {
      String plain = value instanceof Integer i ? Integer.toString(i) : Double.toString(v);
      return String.format(Locale.ROOT, "%" + width + "s", plain);
    }
    return String.format(Locale.ROOT, "%" + zero + width + "." + (precision == null ? "6"
        : precision) + type, v) + (s.group(4).equals("%") ? "%" : "");
  }
}
