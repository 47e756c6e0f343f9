package dev.sparkdl.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The small real data sets of the scaling benchmark, read from the shared data folder with
 * their raw (unscaled) features: UCI banknote subsampled to 200 rows (as is and shifted by
 * +200), iris, wine and breast cancer; each split 70/30 at random with a fixed seed.
 */
final class TabularSets {
  /** A data set's training and test rows. */
  record Split(String name, double[][] trainX, int[] trainY, double[][] testX, int[] testY,
      int classes) {
    int features() {
      return trainX[0].length;
    }
  }

  /** The sets, in report order. */
  static final List<String> NAMES =
      List.of("banknote200", "banknote200_shifted", "iris", "wine", "breast_cancer");

  private TabularSets() {}

  /**
   * @param dataDir the shared data folder ({@code ../shared/data})
   * @param name one of {@link #NAMES}
   * @param seed the sampling and split seed
   */
  static Split load(Path dataDir, String name, long seed) {
    return switch (name) {
      case "banknote200" -> banknote(dataDir, 0, seed, name);
      case "banknote200_shifted" -> banknote(dataDir, 200, seed, name);
      case "iris" -> split(name, read(dataDir.resolve("sklearn-iris/iris.csv"), "target", 1), seed);
      case "wine" -> split(name, read(dataDir.resolve("sklearn-wine/wine.csv"), "target", 1), seed);
      case "breast_cancer" -> split(name,
          read(dataDir.resolve("sklearn-breast_cancer/breast_cancer.csv"), "target", 1), seed);
      default -> throw new IllegalArgumentException(
          "Unknown tabular set " + name + "; known: " + NAMES);
    };
  }

  private static Split banknote(Path dataDir, double shift, long seed, String name) {
    double[][] all = read(
        dataDir.resolve("uci-banknote-authentication/banknote_authentication.csv"), "class", 0);
    List<double[]> rows = new ArrayList<>(Arrays.asList(all));
    java.util.Collections.shuffle(rows, new Random(seed));
    double[][] sample = rows.subList(0, 200).toArray(new double[0][]);
    for (double[] r : sample) {
      for (int j = 0; j < r.length - 1; j++) {
        r[j] += shift;
      }
    }
    return split(name, sample, seed);
  }

  /** Rows of (features..., label), label last; {@code skipAfterLabel} columns after it dropped. */
  private static double[][] read(Path file, String labelColumn, int skipAfterLabel) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("No file " + file + ": pass the shared data folder"
          + " (../shared/data) with --data.");
    }
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      List<String> header = Arrays.asList(lines.get(0).split(","));
      int label = header.indexOf(labelColumn);
      List<double[]> out = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",");
        double[] r = new double[label + 1];
        for (int j = 0; j < label; j++) {
          r[j] = Double.parseDouble(cells[j]);
        }
        r[label] = Double.parseDouble(cells[label]);
        out.add(r);
      }
      return out.toArray(new double[0][]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Split split(String name, double[][] rows, long seed) {
    List<double[]> shuffled = new ArrayList<>(Arrays.asList(rows));
    java.util.Collections.shuffle(shuffled, new Random(seed + 1));
    int nTrain = (int) Math.round(shuffled.size() * 0.7);
    int d = rows[0].length - 1;
    double[][] trX = new double[nTrain][];
    int[] trY = new int[nTrain];
    double[][] teX = new double[shuffled.size() - nTrain][];
    int[] teY = new int[teX.length];
    int classes = 0;
    for (int i = 0; i < shuffled.size(); i++) {
      double[] r = shuffled.get(i);
      int y = (int) r[d];
      classes = Math.max(classes, y + 1);
      if (i < nTrain) {
        trX[i] = Arrays.copyOf(r, d);
        trY[i] = y;
      } else {
        teX[i - nTrain] = Arrays.copyOf(r, d);
        teY[i - nTrain] = y;
      }
    }
    return new Split(name, trX, trY, teX, teY, classes);
  }
}
