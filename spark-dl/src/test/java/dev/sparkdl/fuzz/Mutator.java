package dev.sparkdl.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seeded mutations of a document: truncation, byte flips, deleted and duplicated spans, JSON
 * values swapped for other types, huge and edge-case numbers, deep nesting, and a class name
 * that no reader may load. Each call to {@link #mutate} picks one mutation from the seed, so a
 * failure is reproduced from its seed alone.
 */
final class Mutator {
  static final String CANARY = "dev.sparkdl.testing.FuzzCanary";
  private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");
  private static final Pattern STRING = Pattern.compile("\"[^\"\\\\]*\"");
  private static final Pattern VALUE = Pattern.compile(
      ":\\s*(\"[^\"\\\\]*\"|-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?|true|false|null|\\[\\s*\\]|\\{\\s*\\})");
  private static final String[] HUGE = {"1e308", "-1e308", "1e400", "99999999999999999999999999",
      "2147483648", "-2147483649", "9223372036854775808", "-1", "0", "1e-320", "0.5", "-0.0",
      "1000000000", "10000000000"};
  private static final String[] OTHERS = {"\"x\"", "\"\"", "[]", "{}", "null", "true", "false",
      "[1, 2]", "{\"a\": 1}", "\"" + CANARY + "\"", "-7"};

  private Mutator() {}

  /** @return the name of the mutation {@code seed} picks */
  static String kind(long seed) {
    return KINDS[(int) Math.floorMod(new SplittableRandom(seed).nextLong(), (long) KINDS.length)];
  }

  private static final String[] KINDS = {"truncate", "flip", "delete", "duplicate", "swap",
      "huge", "nest", "canary", "unbalanced", "key"};

  /** @return {@code text} mutated once, as chosen by {@code seed} */
  static String mutate(String text, long seed) {
    return new String(mutate(text.getBytes(StandardCharsets.UTF_8), seed), StandardCharsets.UTF_8);
  }

  /** @return {@code bytes} mutated once, as chosen by {@code seed} */
  static byte[] mutate(byte[] bytes, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    String kind = KINDS[(int) Math.floorMod(r.nextLong(), (long) KINDS.length)];
    int n = bytes.length;
    switch (kind) {
      case "truncate" -> {
        return java.util.Arrays.copyOf(bytes, n == 0 ? 0 : r.nextInt(n));
      }
      case "flip" -> {
        byte[] b = bytes.clone();
        int flips = 1 + r.nextInt(4);
        for (int i = 0; i < flips && n > 0; i++) {
          b[r.nextInt(n)] ^= (byte) (1 << r.nextInt(8));
        }
        return b;
      }
      case "delete" -> {
        if (n < 2) {
          return new byte[0];
        }
        int from = r.nextInt(n);
        int to = Math.min(n, from + 1 + r.nextInt(Math.max(1, n / 8)));
        byte[] b = new byte[n - (to - from)];
        System.arraycopy(bytes, 0, b, 0, from);
        System.arraycopy(bytes, to, b, from, n - to);
        return b;
      }
      case "duplicate" -> {
        if (n == 0) {
          return bytes;
        }
        int from = r.nextInt(n);
        int to = Math.min(n, from + 1 + r.nextInt(Math.max(1, n / 8)));
        byte[] b = new byte[n + (to - from)];
        System.arraycopy(bytes, 0, b, 0, to);
        System.arraycopy(bytes, from, b, to, n - from);
        return b;
      }
      default -> {
        String s = new String(bytes, StandardCharsets.UTF_8);
        return text(s, kind, r).getBytes(StandardCharsets.UTF_8);
      }
    }
  }

  private static String text(String s, String kind, SplittableRandom r) {
    switch (kind) {
      case "swap" -> {
        return replaceOne(s, VALUE, r, m -> ": " + OTHERS[r.nextInt(OTHERS.length)]);
      }
      case "huge" -> {
        return replaceOne(s, NUMBER, r, m -> HUGE[r.nextInt(HUGE.length)]);
      }
      case "nest" -> {
        int depth = r.nextBoolean() ? 100_000 : 2_000;
        return replaceOne(s, VALUE, r,
            m -> ": " + "[".repeat(depth) + m.group(1) + "]".repeat(depth));
      }
      case "canary" -> {
        return replaceOne(s, STRING, r, m -> "\"" + CANARY + "\"");
      }
      case "unbalanced" -> {
        int at = s.isEmpty() ? 0 : r.nextInt(s.length());
        return s.substring(0, at) + "{[".repeat(50_000) + s.substring(at);
      }
      default -> { // key: a key or string's text altered
        return replaceOne(s, STRING, r, m -> {
          String v = m.group();
          return v.length() <= 2 ? "\"\\u0000\"" : v.substring(0, v.length() - 2) + "\u00e9\"";
        });
      }
    }
  }

  private static String replaceOne(String s, Pattern p, SplittableRandom r,
      java.util.function.Function<Matcher, String> f) {
    Matcher m = p.matcher(s);
    List<int[]> spans = new ArrayList<>();
    while (m.find()) {
      spans.add(new int[] {m.start(), m.end()});
    }
    if (spans.isEmpty()) {
      return s + "x";
    }
    int[] span = spans.get(r.nextInt(spans.size()));
    m = p.matcher(s);
    m.find(span[0]);
    return s.substring(0, span[0]) + f.apply(m) + s.substring(span[1]);
  }
}
