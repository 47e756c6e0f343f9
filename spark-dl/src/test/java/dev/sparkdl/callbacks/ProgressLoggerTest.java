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

  @Test
  void onATerminalABarMovesWithTheRoundsAndTheEpochLineReplacesIt() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ProgressLogger p = new ProgressLogger(new PrintStream(bytes, true), true);
    TrainingContext context = TrainingContext.detached(null, 2);
    p.onTrainBegin(context);
    p.onEpochBegin(1, context);
    p.onRoundEnd(1, 0, Map.of("loss", 0.5, "rounds_per_epoch", 2.0), context);
    p.onRoundEnd(1, 1, Map.of("loss", 0.4, "rounds_per_epoch", 2.0), context);
    p.onEpochEnd(1, new LinkedHashMap<>(Map.of("loss", 0.45)), 1.0, context);
    String out = bytes.toString();
    assertTrue(out.startsWith("\rEpoch 1/2 [==============>...............] 1/2"), out);
    assertTrue(out.contains("\rEpoch 1/2 [==============================] 2/2 - ETA: 0s - loss: 0.4000"), out);
    assertTrue(out.endsWith("\r\033[2KEpoch 1/2 - 1.0s - loss: 0.4500" + System.lineSeparator()), out);

    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    ProgressLogger q = new ProgressLogger(new PrintStream(plain, true));
    q.onTrainBegin(context);
    q.onRoundEnd(1, 0, Map.of("loss", 0.5), context);
    q.onEpochEnd(1, new LinkedHashMap<>(Map.of("loss", 0.45)), 1.0, context);
    assertEquals("Epoch 1/2 - 1.0s - loss: 0.4500" + System.lineSeparator(), plain.toString(),
        "not a terminal: one plain line per epoch");
  }
}
