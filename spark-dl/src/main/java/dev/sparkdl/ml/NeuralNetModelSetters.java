package dev.sparkdl.ml;

/**
 * The setters both fitted models share, written once (as {@link NeuralNetEstimatorParams} does
 * for the estimators): each returns the model itself.
 *
 * @param <T> the model class
 */
public interface NeuralNetModelSetters<T extends NeuralNetModelSetters<T>> extends NeuralNetModel {

  /** @return this model, typed */
  @SuppressWarnings("unchecked")
  default T self() {
    return (T) this;
  }

  /** Sets where scoring tasks compute: auto, cpu or gpu. */
  default T setDevice(String value) {
    set(device(), value);
    return self();
  }

  /** Sets the rows per prediction call of {@code transform}. */
  @Override
  default T setInferenceBatchSize(int value) {
    set(inferenceBatchSize(), value);
    return self();
  }
}
