package dev.sparkdl.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.spec.ActivationLayer;
import dev.sparkdl.spec.LayerSpec;
import dev.sparkdl.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keras 2.3.1's advanced-activation layers ({@code ../shared/data/keras-models/examples/
 * activations}: Dense followed by ELU, LeakyReLU, four ReLU variants, Softmax and
 * ThresholdedReLU) compute Keras' recorded outputs within {@link KerasCheck#TOLERANCE}, read as
 * whole-model files and as architecture JSON with a weights file.
 */
class KerasActivationLayersTest {

  @Test
  void everyActivationLayerSetMatchesKeras() throws IOException {
    Path dir = SharedData.require("keras-models/examples/activations");
    List<Path> models;
    try (Stream<Path> s = Files.list(dir)) {
      models = s.filter(p -> p.getFileName().toString().endsWith("_model.h5")).sorted().toList();
    }
    assertEquals(8, models.size(), "the eight sets of PROVENANCE.md: " + models);
    for (Path m : models) {
      String base = m.toString().substring(0, m.toString().length() - "_model.h5".length());
      KerasCheck.Result r = KerasCheck.check(m.toString(), base + "_inputs_and_outputs.h5");
      LayerSpec last = KerasModels.read(m.toString()).network().layers().get(1);
      System.out.printf(java.util.Locale.ROOT, "  %-20s %-60s %s max abs diff %.2e%n",
          m.getFileName(), last.className() + last.config(), r.status(), r.maxAbsDiff());
      assertTrue(last instanceof ActivationLayer, m + ": " + last);
      assertEquals(KerasCheck.Status.MATCHED, r.status(), m + ": " + r.reason());
      // the same set as architecture JSON plus weights file
      KerasCheck.Result split = KerasCheck.compare(
          KerasModels.read(base + "_weights.h5", base + "_config.json"),
          base + "_inputs_and_outputs.h5");
      assertEquals(KerasCheck.Status.MATCHED, split.status(), base + "_config.json: "
          + split.reason());
    }
  }
}
