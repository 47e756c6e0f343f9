package dev.sparkdl.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.engine.Network;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Embedding;
import dev.sparkdl.spec.Recurrent;
import dev.sparkdl.spec.Sequential;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/** Embedding(mask_zero=True): the .keras export keeps the mask, the ONNX export refuses it. */
class MaskingExportTest {
  @Test
  void kerasKeepsTheMaskAndOnnxRefusesIt() throws Exception {
    Sequential s = Sequential.of(Embedding.of(30, 4).maskZero(true), Recurrent.lstm(3),
        Dense.units(1).activation("sigmoid")).inputShape(7);
    try (Network net = Network.create(s, null, 1)) {
      String m = assertThrows(IllegalArgumentException.class,
          () -> OnnxExport.toBytes(s, net.kerasWeights(), "test")).getMessage();
      assertTrue(m.contains("Layer 0 (Embedding) cannot be exported to ONNX: mask_zero=True"),
          m);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      KerasExport.write(s, null, net.kerasWeights(), bytes);
      String config = null;
      try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(
          bytes.toByteArray()))) {
        for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
          if ("config.json".equals(e.getName())) {
            config = new String(zip.readAllBytes(), StandardCharsets.UTF_8);
          }
        }
      }
      assertTrue(config != null && config.replace(" ", "").contains("\"mask_zero\":true"), config);
      assertEquals(s.layers(), Sequential.fromJson(config).layers(), "read back with its mask");
    }
  }
}
