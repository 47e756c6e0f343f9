package dev.sparkdl.callbacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.engine.WeightSnapshot;
import dev.sparkdl.spec.Config;
import dev.sparkdl.spec.SpecException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.HistogramProto;
import org.tensorflow.proto.Summary;

/**
 * The TensorBoard callback writes event files TensorFlow's own generated {@code Event} parser
 * reads, with the records' CRCs right, and the scalars, histograms and text Keras' layout puts
 * in train/ and validation/.
 */
class TensorBoardTest {
  private static final String SUMMARY = "Model: \"sequential\"\n"
      + "Layer (type)      Output Shape   Param #\n"
      + "dense (Dense)     (None, 2)      8\n"
      + "dense_1 (Dense)   (None, 1)      3\n";

  @TempDir Path dir;

  /** Two Dense layers, DJL names, values with known sums. */
  private static WeightSnapshot weights() {
    return new WeightSnapshot(
        new String[] {"0_dense/kernel", "0_dense/bias", "1_dense/kernel", "1_dense/bias"},
        new long[][] {{2, 3}, {2}, {1, 2}, {1}},
        new float[][] {
          {0.5f, -1.25f, 2f, 0.125f, -0.75f, 3.5f}, {0.1f, -0.2f}, {1.5f, -2.5f}, {0.25f}
        });
  }

  private static TrainingContext context(WeightSnapshot w, int initialEpoch) {
    TrainingContext.Host host = new TrainingContext.Host() {
      @Override
      public WeightSnapshot weights() {
        return w;
      }

      @Override
      public void setWeights(WeightSnapshot weights) {}

      @Override
      public TrainingContext.Backup backup() {
        throw new UnsupportedOperationException();
      }

      @Override
      public void save(String path, boolean weightsOnly) {
        throw new UnsupportedOperationException();
      }

      @Override
      public String summary() {
        return SUMMARY;
      }
    };
    return new TrainingContext(host, Configuration::new, initialEpoch, 3, new History(), 0.01);
  }

  private static Map<String, Double> logs(int epoch) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("loss", 1.0 / epoch);
    m.put("accuracy", 0.5 + 0.1 * epoch);
    m.put("val_loss", 1.5 / epoch);
    m.put("val_accuracy", 0.45 + 0.1 * epoch);
    m.put("learning_rate", 0.01 / epoch);
    return m;
  }

  private static Map<String, Double> round(double seconds, double loss) {
    return Map.of("seconds", seconds, "samples", 100.0, "samples_per_second", 100 / seconds,
        "overhead_fraction", 0.1, "loss", loss);
  }

  /** Every event of the one event file in {@code sub}, CRCs checked. */
  static List<Event> events(Path sub) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(sub)) {
      files = s.toList();
    }
    assertEquals(1, files.size(), "one file (no .crc side file) in " + sub + ": " + files);
    String name = files.get(0).getFileName().toString();
    assertTrue(name.matches("events\\.out\\.tfevents\\.\\d+\\..+\\.\\d+\\.\\d+\\.v2"), name);
    byte[] bytes = Files.readAllBytes(files.get(0));
    checkFirstRecordByHand(bytes);
    List<Event> out = new ArrayList<>();
    for (byte[] record : TfRecord.readAll(new ByteArrayInputStream(bytes))) {
      out.add(Event.parseFrom(record));
    }
    return out;
  }

  /** The framing of the first record, checked here without TfRecord. */
  private static void checkFirstRecordByHand(byte[] b) {
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    long length = buf.getLong(0);
    assertEquals(masked(b, 0, 8), buf.getInt(8), "length CRC");
    assertEquals(masked(b, 12, (int) length), buf.getInt(12 + (int) length), "data CRC");
  }

  private static int masked(byte[] b, int off, int len) {
    CRC32C crc = new CRC32C();
    crc.update(b, off, len);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + 0xa282ead8;
  }

  /** tag -> step -> value, of the simple_value scalars. */
  static Map<String, Map<Long, Float>> scalars(List<Event> events) {
    Map<String, Map<Long, Float>> m = new HashMap<>();
    for (Event e : events) {
      for (Summary.Value v : e.getSummary().getValueList()) {
        if (v.getValueCase() == Summary.Value.ValueCase.SIMPLE_VALUE) {
          Float old = m.computeIfAbsent(v.getTag(), t -> new LinkedHashMap<>())
              .put(e.getStep(), v.getSimpleValue());
          assertEquals(null, old, "one value per tag and step: " + v.getTag());
        }
      }
    }
    return m;
  }

  @Test
  void writesKerasLayoutThatTensorFlowParses() throws IOException {
    TensorBoard tb = new TensorBoard(dir.resolve("logs").toUri().toString()).withHistogramFreq(1);
    WeightSnapshot w = weights();
    TrainingContext ctx = context(w, 0);
    tb.onTrainBegin(ctx);
    for (int epoch = 1; epoch <= 3; epoch++) {
      tb.onEpochBegin(epoch, ctx);
      tb.onRoundEnd(epoch, 0, round(2.0, 0.9 / epoch), ctx);
      tb.onRoundEnd(epoch, 1, round(4.0, 0.8 / epoch), ctx);
      tb.onEpochEnd(epoch, logs(epoch), 6.0, ctx);
    }
    tb.onTrainEnd(ctx);

    List<Event> train = events(dir.resolve("logs/train"));
    List<Event> validation = events(dir.resolve("logs/validation"));
    assertEquals("brain.Event:2", train.get(0).getFileVersion());
    assertEquals("brain.Event:2", validation.get(0).getFileVersion());

    Map<String, Map<Long, Float>> t = scalars(train);
    Map<String, Map<Long, Float>> v = scalars(validation);
    for (int epoch = 1; epoch <= 3; epoch++) {
      long step = epoch - 1; // Keras' 0-based epoch index
      Map<String, Double> l = logs(epoch);
      assertEquals((float) (double) l.get("loss"), t.get("epoch_loss").get(step));
      assertEquals((float) (double) l.get("accuracy"), t.get("epoch_accuracy").get(step));
      assertEquals((float) (double) l.get("learning_rate"),
          t.get("epoch_learning_rate").get(step));
      assertEquals((float) (double) l.get("val_loss"), v.get("epoch_loss").get(step));
      assertEquals((float) (double) l.get("val_accuracy"), v.get("epoch_accuracy").get(step));
    }
    assertEquals(List.of(0L, 1L, 2L), List.copyOf(t.get("epoch_loss").keySet()));
    assertEquals(3, v.get("epoch_loss").size());
    assertEquals(2, v.size(), "validation has only the val_ metrics: " + v.keySet());
    assertTrue(!t.containsKey("epoch_val_loss"), t.keySet().toString());

    // rounds: a global step from 1, six rounds in all; no batch_loss with update_freq "epoch"
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L),
        List.copyOf(t.get("round_seconds").keySet()));
    assertEquals(4.0f, t.get("round_seconds").get(6L));
    assertEquals(25.0f, t.get("round_samples_per_second").get(2L));
    assertTrue(!t.containsKey("batch_loss"));

    // histograms: every epoch (histogram_freq=1), one per array, Keras' layer names
    Map<String, List<Long>> histogramSteps = new HashMap<>();
    Map<String, HistogramProto> last = new HashMap<>();
    for (Event e : train) {
      for (Summary.Value sv : e.getSummary().getValueList()) {
        if (sv.getValueCase() == Summary.Value.ValueCase.HISTO) {
          histogramSteps.computeIfAbsent(sv.getTag(), x -> new ArrayList<>()).add(e.getStep());
          last.put(sv.getTag(), sv.getHisto());
        }
      }
    }
    List<String> tags = List.of("dense/kernel/histogram", "dense/bias/histogram",
        "dense_1/kernel/histogram", "dense_1/bias/histogram");
    assertEquals(new java.util.HashSet<>(tags), histogramSteps.keySet());
    for (int i = 0; i < tags.size(); i++) {
      assertEquals(List.of(0L, 1L, 2L), histogramSteps.get(tags.get(i)));
      HistogramProto h = last.get(tags.get(i));
      float[] a = w.values(i);
      double sum = 0;
      double squares = 0;
      double min = Double.MAX_VALUE;
      double max = -Double.MAX_VALUE;
      for (float f : a) {
        sum += f;
        squares += (double) f * f;
        min = Math.min(min, f);
        max = Math.max(max, f);
      }
      assertEquals(a.length, h.getNum(), tags.get(i));
      assertEquals(sum, h.getSum(), 1e-12, tags.get(i));
      assertEquals(squares, h.getSumSquares(), 1e-12, tags.get(i));
      assertEquals(min, h.getMin(), tags.get(i));
      assertEquals(max, h.getMax(), tags.get(i));
      assertEquals(h.getBucketLimitCount(), h.getBucketCount());
      assertEquals(max, h.getBucketLimit(h.getBucketLimitCount() - 1));
      assertEquals(a.length, h.getBucketList().stream().mapToDouble(Double::doubleValue).sum());
    }

    // the model summary as a text-plugin string tensor at step 0
    Summary.Value text = null;
    long textStep = -1;
    for (Event e : train) {
      for (Summary.Value sv : e.getSummary().getValueList()) {
        if (sv.getTag().equals("model_summary")) {
          text = sv;
          textStep = e.getStep();
        }
      }
    }
    assertNotNull(text, "a model_summary text");
    assertEquals(0, textStep);
    assertEquals("text", text.getMetadata().getPluginData().getPluginName());
    assertEquals(DataType.DT_STRING, text.getTensor().getDtype());
    assertEquals(0, text.getTensor().getTensorShape().getDimCount());
    String written = text.getTensor().getStringVal(0).toStringUtf8();
    for (String line : SUMMARY.split("\n")) {
      assertTrue(written.contains("    " + line + "\n") || written.endsWith("    " + line),
          "line as a Markdown code block: " + line + " in\n" + written);
    }
  }

  @Test
  void batchUpdateFreqWritesBatchLossEveryNthRound() throws IOException {
    TensorBoard tb = new TensorBoard(dir.toUri().toString()).withUpdateFreq(2)
        .withWriteGraph(false).withWriteStepsPerSecond(true);
    TrainingContext ctx = context(weights(), 0);
    tb.onTrainBegin(ctx);
    tb.onEpochBegin(1, ctx);
    for (int r = 0; r < 4; r++) {
      tb.onRoundEnd(1, r, round(0.5, 1.0 + r), ctx);
    }
    Map<String, Double> logs = new LinkedHashMap<>(Map.of("loss", 0.5));
    tb.onEpochEnd(1, logs, 4.0, ctx);
    tb.onTrainEnd(ctx);

    List<Event> train = events(dir.resolve("train"));
    Map<String, Map<Long, Float>> t = scalars(train);
    assertEquals(Map.of(2L, 2.0f, 4L, 4.0f), t.get("batch_loss"));
    assertEquals(Map.of(2L, 2.0f, 4L, 2.0f), t.get("batch_steps_per_second"));
    assertEquals(1.0f, t.get("epoch_steps_per_second").get(0L), "4 rounds in 4 s");
    assertEquals(0.01f, t.get("epoch_learning_rate").get(0L), "from the context when not logged");
    assertTrue(train.stream().allMatch(e -> e.getSummary().getValueList().stream()
        .noneMatch(v -> v.getTag().equals("model_summary"))), "write_graph=false");
    assertTrue(!Files.exists(dir.resolve("validation")), "no validation metrics, no directory");
  }

  @Test
  void aFlippedByteFailsTheCrcCheck() throws IOException {
    String sub = dir.resolve("w").toUri().toString();
    String file;
    try (EventFileWriter w = EventFileWriter.create(sub, new Configuration())) {
      w.scalar("x", 1, 2.5);
      w.histogram("h", 1, new float[] {1, 2, 3});
      file = w.path();
    }
    byte[] good = Files.readAllBytes(Path.of(java.net.URI.create(file)));
    assertEquals(3, TfRecord.readAll(new ByteArrayInputStream(good)).size());
    Event scalar = Event.parseFrom(TfRecord.readAll(new ByteArrayInputStream(good)).get(1));
    assertEquals(1, scalar.getStep());
    assertEquals(2.5f, scalar.getSummary().getValue(0).getSimpleValue());
    assertTrue(scalar.getWallTime() > 1.6e9, "wall time in seconds since the epoch");

    int firstLength = (int) ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    int[] positions = {3, 9, 12 + firstLength / 2, good.length - 1, 16 + firstLength + 20};
    for (int pos : positions) {
      byte[] bad = good.clone();
      bad[pos] ^= 0x10;
      IOException e = assertThrows(IOException.class,
          () -> TfRecord.readAll(new ByteArrayInputStream(bad)), "byte " + pos);
      assertTrue(e.getMessage().contains("CRC") || e.getMessage().contains("length"),
          e.getMessage());
    }
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 2);
    assertThrows(IOException.class, () -> TfRecord.readAll(new ByteArrayInputStream(truncated)));
  }

  @Test
  void configRoundTripsUnderKerasNames() {
    Config c = new Config("TensorBoard", Map.of("log_dir", "x", "histogram_freq", 1));
    TensorBoard tb = TensorBoard.read(c);
    c.finish();
    assertEquals("TensorBoard", tb.className());
    assertEquals("x", tb.config().get("log_dir"));
    assertEquals(1, tb.config().get("histogram_freq"));
    assertEquals(List.of("log_dir", "histogram_freq", "write_graph", "write_images",
        "write_steps_per_second", "update_freq", "profile_batch", "embeddings_freq",
        "embeddings_metadata"), List.copyOf(tb.config().keySet()));
    assertEquals("epoch", tb.config().get("update_freq"));
    assertEquals(true, tb.config().get("write_graph"));

    Config again = new Config("TensorBoard", tb.config());
    assertEquals(tb, TensorBoard.read(again));
    again.finish();

    Map<String, Object> batch = new HashMap<>(Map.of("update_freq", 5, "profile_batch", "0,0",
        "write_steps_per_second", true));
    TensorBoard b = TensorBoard.read(new Config("TensorBoard", batch));
    assertEquals(5, b.config().get("update_freq"));
    assertEquals("logs", b.logDir());
    assertEquals(b, new TensorBoard().withUpdateFreq(5).withWriteStepsPerSecond(true));
  }

  @Test
  void unknownAndUnsupportedArgumentsFailClearly() {
    Config c = new Config("TensorBoard", Map.of("log_dir", "x", "histogramfreq", 1));
    TensorBoard.read(c);
    SpecException unknown = assertThrows(SpecException.class, c::finish);
    assertTrue(unknown.getMessage().contains("histogramfreq"), unknown.getMessage());

    SpecException profile = assertThrows(SpecException.class, () ->
        TensorBoard.read(new Config("TensorBoard", Map.of("profile_batch", List.of(10, 20)))));
    assertTrue(profile.getMessage().contains("profile_batch=[10, 20] is not supported"),
        profile.getMessage());
    assertThrows(SpecException.class, () ->
        TensorBoard.read(new Config("TensorBoard", Map.of("profile_batch", 2))));
    assertThrows(SpecException.class, () ->
        TensorBoard.read(new Config("TensorBoard", Map.of("embeddings_freq", 1))));
    IllegalArgumentException freq = assertThrows(IllegalArgumentException.class, () ->
        TensorBoard.read(new Config("TensorBoard", Map.of("update_freq", "step"))));
    assertTrue(freq.getMessage().contains("update_freq=\"step\""), freq.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new TensorBoard("x").withHistogramFreq(-1));
    assertThrows(IllegalArgumentException.class, () -> new TensorBoard("x").withUpdateFreq(0));
  }

  @Test
  void kerasPathsNumberLayersOfOneType() {
    WeightSnapshot w = new WeightSnapshot(
        new String[] {"0_conv2d/kernel", "1_batch_normalization/gamma", "2_dense/kernel",
            "3_dense/kernel", "custom"},
        new long[][] {{1}, {1}, {1}, {1}, {1}},
        new float[][] {{1}, {1}, {1}, {1}, {1}});
    assertEquals(List.of("conv2d/kernel", "batch_normalization/gamma", "dense/kernel",
        "dense_1/kernel", "custom"), TensorBoard.kerasPaths(w));
  }

  @Test
  void emptyAndConstantArraysMakeValidHistograms() throws IOException {
    HistogramProto empty = HistogramProto.parseFrom(
        EventFileWriter.histogramProto(new float[0]).toByteArray());
    assertEquals(0, empty.getNum());
    assertArrayEquals(new double[] {0}, empty.getBucketList().stream()
        .mapToDouble(Double::doubleValue).toArray());
    HistogramProto constant = HistogramProto.parseFrom(
        EventFileWriter.histogramProto(new float[] {2, 2, 2, Float.NaN}).toByteArray());
    assertEquals(3, constant.getNum(), "NaN left out");
    assertEquals(List.of(2.0), constant.getBucketLimitList());
    assertEquals(List.of(3.0), constant.getBucketList());
  }
}
