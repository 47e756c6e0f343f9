package dev.sparkdl.callbacks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkdl.spec.Config;
import dev.sparkdl.spec.SpecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Keras' serialized callbacks: a JSON list {@code [{"class_name": "EarlyStopping", "config":
 * {...}}, ...]} read into {@link KerasCallback}s and written back. Each config is checked as
 * Keras would: unknown arguments and wrong types are errors naming what is supported.
 */
public final class Callbacks {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Map<String, Function<Config, KerasCallback>> READERS = new TreeMap<>();

  static {
    register("EarlyStopping", EarlyStopping::read);
    register("ModelCheckpoint", ModelCheckpoint::read);
    register("BackupAndRestore", BackupAndRestore::read);
    register("ReduceLROnPlateau", ReduceLROnPlateau::read);
    register("LearningRateScheduler", LearningRateScheduler::read);
    register("CSVLogger", CsvLogger::read);
    register("TerminateOnNaN", c -> new TerminateOnNaN());
    register("TensorBoard", TensorBoard::read);
    register("ProgbarLogger", c -> new ProgbarLogger());
  }

  private Callbacks() {}

  private static void register(String className, Function<Config, KerasCallback> reader) {
    READERS.put(className, reader);
  }

  /** @return the class names {@link #fromJson} reads */
  public static List<String> names() {
    return List.copyOf(READERS.keySet());
  }

  /**
   * Reads Keras' serialized form.
   *
   * @param json a JSON list of {@code {"class_name": ..., "config": {...}}} (or one such object);
   *     null or blank for none
   * @return the callbacks, in order
   * @throws SpecException naming the callback and what is wrong
   */
  public static List<KerasCallback> fromJson(String json) {
    if (json == null || json.isBlank()) {
      return List.of();
    }
    Object parsed;
    try {
      parsed = MAPPER.readValue(json, Object.class);
    } catch (JsonProcessingException e) {
      throw new SpecException("callbacks: not valid JSON (" + e.getOriginalMessage()
          + "). Expected a list such as [{\"class_name\": \"EarlyStopping\", \"config\":"
          + " {\"patience\": 3}}].");
    }
    List<?> items = parsed instanceof List<?> l ? l : List.of(parsed);
    List<KerasCallback> out = new ArrayList<>();
    for (Object item : items) {
      out.add(read(item));
    }
    return List.copyOf(out);
  }

  private static KerasCallback read(Object item) {
    if (!(item instanceof Map<?, ?> m) || !(m.get("class_name") instanceof String cls)) {
      throw new SpecException("callbacks: each callback must be {\"class_name\": ...,"
          + " \"config\": {...}}. Received: " + item + ". Known: " + names() + ".");
    }
    Function<Config, KerasCallback> reader = READERS.get(cls);
    if (reader == null) {
      throw new SpecException("callbacks: unknown class_name '" + cls + "'. Known: " + names()
          + ". Java callbacks are passed with setCallbacks(Callback...).");
    }
    Object cfg = m.get("config");
    if (cfg != null && !(cfg instanceof Map<?, ?>)) {
      throw new SpecException(cls + ": config must be a JSON object. Received: " + cfg);
    }
    @SuppressWarnings("unchecked")
    Map<String, ?> values = cfg == null ? Map.of() : (Map<String, ?>) cfg;
    Config c = new Config(cls, values);
    KerasCallback cb = reader.apply(c);
    c.finish();
    return cb;
  }

  /**
   * Writes Keras' serialized form.
   *
   * @param callbacks the callbacks
   * @return a JSON list
   */
  public static String toJson(List<? extends KerasCallback> callbacks) {
    List<Map<String, Object>> items = new ArrayList<>();
    for (KerasCallback c : callbacks) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("class_name", c.className());
      m.put("config", c.config());
      items.add(m);
    }
    try {
      return MAPPER.writeValueAsString(items);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Jackson's view of a map, for callbacks that need one. */
  static Map<String, Object> map(String json) throws JsonProcessingException {
    return MAPPER.readValue(json, new TypeReference<Map<String, Object>>() {});
  }
}
