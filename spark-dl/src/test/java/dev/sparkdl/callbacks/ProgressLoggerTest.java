package dev.sparkdl.callbacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressLoggerTest {

  @Test
  void printsOneKerasLikeLinePerEpoch() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ProgressLogger p = new ProgressLogger(new PrintStream(bytes, true));
    History h = new History();
    Map<String, Double> logs = new LinkedHashMap<>();
    logs.put("loss", 0.12344);
    logs.put("accuracy", 0.96123);
    logs.put("val_loss", 0.2);
    logs.put("val_accuracy", 0.95);
    TrainingContext context = TrainingContext.detached(null, 10);
    p.onTrainBegin(context);
    p.onEpochEnd(3, logs, 4.12, context);
    h.onEpochEnd(3, logs, 4.12, context);
    assertEquals("Epoch 3/10 - 4.1s - loss: 0.1234 - accuracy: 0.9612 - val_loss: 0.2000"
        + " - val_accuracy: 0.9500" + System.lineSeparator(), bytes.toString());
    assertArrayEquals(new double[] {0.96123}, h.get("accuracy"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> h.get("acc"));
    assertTrue(e.getMessage().contains("Recorded: [loss, accuracy, val_loss, val_accuracy]"));
  }
}
