package dev.sparkdl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The {@code counts} and {@code uncertainty} examples on reduced settings (fewer folds and
 * epochs than their defaults), each asserting the example's key outcome. They read R's data
 * sets from the shared data folder ({@code -Dsparkdl.data=DIR}, by default
 * {@code ../shared/data} next to the project) and skip, naming the path, when it is absent.
 */
class ProbabilisticExamplesTest {
  @TempDir Path out;

  private static Path data(String... files) {
    String p = System.getProperty("sparkdl.data");
    Path dir = (p == null ? Paths.get("../../shared/data") : Paths.get(p)).toAbsolutePath()
        .normalize();
    for (String f : files) {
      assumeTrue(Files.isRegularFile(dir.resolve(f)),
          "skipped: shared data set " + dir.resolve(f) + " not found (set -Dsparkdl.data=DIR to"
              + " the folder that holds " + f + ")");
    }
    return dir;
  }

  private static double number(Map<String, Object> result, String key) {
    Object v = result.get(key);
    assertTrue(v instanceof Number, key + " missing from " + result);
    return ((Number) v).doubleValue();
  }

  @Test
  void poissonNetworkDevianceWithinFivePercentOfTheGlm() {
    Path dir = data("r-warpbreaks/warpbreaks.csv", "r-insectsprays/InsectSprays.csv");
    Counts counts = new Counts();
    int rc = new CommandLine(counts).execute("--data", dir.toString(), "--folds", "3",
        "--repeats", "1", "--epochs", "100", "--learning-rate", "0.04", "--models",
        "poisson_net,glm_poisson");
    assertEquals(0, rc);
    for (String set : new String[] {"warpbreaks", "insectsprays"}) {
      double net = number(counts.result, set + "_poisson_net_deviance");
      double glm = number(counts.result, set + "_glm_poisson_deviance");
      assertTrue(net <= 1.05 * glm,
          set + ": held-out mean Poisson deviance of the network " + net + " vs the GLM's " + glm);
    }
  }

  @Test
  void mixtureBeatsNormalOnFaithful() {
    Path dir = data("r-faithful/faithful.csv");
    Uncertainty u = new Uncertainty();
    int rc = new CommandLine(u).execute("--data", dir.toString(), "--out", out.toString(),
        "--parts", "faithful", "--folds", "2", "--repeats", "1");
    assertEquals(0, rc);
    double mixture = number(u.result, "faithful_mixture_normal_nll");
    double normal = number(u.result, "faithful_normal_nll");
    assertTrue(mixture < normal, "held-out NLL: mixture " + mixture + ", normal " + normal);
    assertTrue(Files.isRegularFile(out.resolve("faithful.png")));
  }

  @Test
  void syntheticCoverageAndMonteCarloDropout() {
    Uncertainty u = new Uncertainty(); // synthetic data: no data folder read
    int rc = new CommandLine(u).execute("--data", out.toString(), "--out", out.toString(),
        "--parts", "synthetic,mc", "--rows", "600", "--epochs", "25");
    assertEquals(0, rc);
    for (String m : new String[] {"normal", "mixture_normal"}) {
      double c = number(u.result, "synthetic_" + m + "_coverage");
      assertTrue(c >= 0.85 && c <= 1.0, m + ": held-out 95 % coverage " + c);
    }
    double inside = number(u.result, "mc_epistemic_sd_inside");
    double outside = number(u.result, "mc_epistemic_sd_outside");
    assertTrue(outside > inside, "epistemic sd inside " + inside + ", outside " + outside);
    assertTrue(Files.isRegularFile(out.resolve("synthetic.png")));
    assertTrue(Files.isRegularFile(out.resolve("mc_dropout.png")));
  }
}
