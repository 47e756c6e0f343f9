package dev.sparkdl.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Keras files for tests. */
public final class KerasFixtures {
  private KerasFixtures() {}

  /**
   * The architecture of a Keras file without the arguments that cannot change an inference
   * result (initializers, dropout rates), which the current reader may refuse: isolates the
   * weights and numerics from the reader's coverage.
   */
  public static String inferenceConfig(String modelH5, Path dir) throws IOException {
    ObjectMapper json = new ObjectMapper();
    JsonNode root;
    try (HdfFile h5 = new HdfFile(Path.of(modelH5))) {
      root = json.readTree((String) h5.getAttribute("model_config").getData());
    }
    JsonNode cfg = root.path("config");
    for (JsonNode layer : cfg.isArray() ? cfg : cfg.path("layers")) {
      ObjectNode c = (ObjectNode) layer.path("config");
      List<String> drop = new ArrayList<>();
      c.fieldNames().forEachRemaining(k -> {
        if (k.endsWith("_initializer") || k.equals("dropout") || k.equals("recurrent_dropout")) {
          drop.add(k);
        }
      });
      c.remove(drop);
    }
    Path out = Files.createTempFile(dir, "config", ".json");
    Files.writeString(out, json.writeValueAsString(root));
    return out.toString();
  }

}
