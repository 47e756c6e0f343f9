package dev.sparkdl.callbacks;

import java.util.Map;

/**
 * A callback Keras knows by name, with its constructor arguments under Keras' names: it is
 * written as {@code {"class_name": ..., "config": {...}}} by {@link Callbacks#toJson} and read
 * back by {@link Callbacks#fromJson}, so it travels in a param, a saved estimator and a job file.
 */
public interface KerasCallback extends Callback {
  /** @return Keras' class name, e.g. {@code "EarlyStopping"} */
  String className();

  /** @return the arguments under Keras' names, JSON-ready values */
  Map<String, Object> config();

  /**
   * @return false if this instance has no serialized form (a LearningRateScheduler with a Java
   *     function); it then runs as a plain Java callback and is not saved
   */
  default boolean serializable() {
    return true;
  }
}
