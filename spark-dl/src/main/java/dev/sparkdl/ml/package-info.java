/**
 * Spark ML stages: {@link dev.sparkdl.ml.NeuralNetClassifier} and {@link
 * dev.sparkdl.ml.NeuralNetRegressor} (Estimators) fit {@link
 * dev.sparkdl.ml.NeuralNetClassificationModel} and {@link dev.sparkdl.ml.NeuralNetRegressionModel}
 * (Transformers). They follow Spark's conventions: {@code (String uid)} constructors, params
 * declared once ({@link dev.sparkdl.ml.NeuralNetParamDefinitions}) with docs, defaults and validators,
 * fluent setters, {@code copy}, and {@code transformSchema} that names the column and the type
 * it must have. Schema and params are checked before any Spark job starts.
 */
package dev.sparkdl.ml;
