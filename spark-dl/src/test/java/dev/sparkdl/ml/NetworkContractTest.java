package dev.sparkdl.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.data.Datasets;
import dev.sparkdl.engine.Network;
import dev.sparkdl.spec.Activation;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Dropout;
import dev.sparkdl.spec.LabelMode;
import dev.sparkdl.spec.NetworkContract;
import dev.sparkdl.spec.OutputHead;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.TestSpark;
import java.util.List;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The network contract: resolved once at fit start and carried by the fitted model, with one
 * rule for the output head, so that the estimator's schema, the model and the engine agree.
 */
class NetworkContractTest {
  private final SparkSession spark = TestSpark.session();

  @Test
  void transformSchemaNamesTheClassesTheFittedModelHas() {
    Dataset<Row> iris = Datasets.iris(spark);
    NeuralNetClassifier clf = irisClassifier().setLearningRate(0.02).setEpochs(2).setBatchSize(16)
        .setNumWorkers(1).setVerbose(0);
    StructType before = clf.transformSchema(iris.schema());
    NeuralNetClassificationModel model = clf.fit(iris);
    StructType after = model.transformSchema(iris.schema());
    assertEquals(3, model.numClasses());
    for (StructType s : List.of(before, after)) {
      assertEquals(3, ((NominalAttribute) NominalAttribute.fromStructField(s.apply("prediction")))
          .getNumValues().get());
      assertEquals(3, AttributeGroup.fromStructField(s.apply("probability")).size());
      assertEquals(3, AttributeGroup.fromStructField(s.apply("rawPrediction")).size());
    }
    NetworkContract c = model.state().contract();
    assertEquals(List.of(4), c.inputShape());
    assertEquals(4 * 8 + 8 + 8 * 3 + 3, c.paramCount());
    assertEquals(new LabelMode(LabelMode.Kind.CLASS_INDEX, 3, true), c.label());
    assertEquals("categorical_crossentropy", c.compile().loss().name());
  }

  @Test
  void aSigmoidBeforeTheLastDropoutIsTheOutputActivationEverywhere() {
    // Dense(1), Activation("sigmoid"), Dropout(0.1): the output is a probability; the loss
    // check, the engine and the classifier's columns all see one sigmoid unit
    Sequential net = Sequential.of(Dense.units(6).activation("relu"), Dense.units(1),
        Activation.of("sigmoid"), Dropout.rate(0.1));
    OutputHead head = OutputHead.of(net);
    assertEquals("sigmoid", head.activation());
    assertEquals(1, head.units());
    assertFalse(head.activationIsLast());
    assertEquals("sigmoid", net.outputActivation());
    Dataset<Row> data = ClassifierLearningTest.scaledSplit(Datasets.iris(spark), 0.3, 1)[0]
        .withColumn("label",
            org.apache.spark.sql.functions.expr("CASE WHEN label = 0 THEN 1.0 ELSE 0.0 END"));
    NeuralNetClassifier clf = new NeuralNetClassifier().setLayers(net)
        .setOptimizer("adam").setLearningRate(0.05).setEpochs(20).setBatchSize(16)
        .setNumWorkers(1).setVerbose(0);
    NeuralNetClassificationModel model = clf.fit(data); // loss "auto": binary_crossentropy
    assertEquals("binary_crossentropy", model.compileOptions().loss().name());
    assertTrue(model.state().contract().isBinarySigmoid());
    assertEquals(2, model.numClasses());
    Dataset<Row> scored = model.transform(data).cache();
    assertTrue(ClassifierLearningTest.accuracy(scored) > 0.95,
        "accuracy " + ClassifierLearningTest.accuracy(scored));
    for (Row r : scored.limit(20).collectAsList()) {
      double[] p = r.<Vector>getAs("probability").toArray();
      assertEquals(2, p.length);
      assertEquals(1.0, p[0] + p[1], 1e-9);
      assertTrue(p[1] >= 0 && p[1] <= 1, "a probability, not a logit: " + p[1]);
      assertEquals(p[1], model.predictProbability(r.getAs("features")).apply(1), 1e-5);
    }
  }

  @Test
  void singleRowPredictionBuildsOneNetwork() {
    Dataset<Row> iris = Datasets.iris(spark);
    NeuralNetClassificationModel model = irisClassifier().setEpochs(1).setBatchSize(16).setNumWorkers(1).setVerbose(0)
        .fit(iris);
    List<Row> rows = iris.limit(50).collectAsList();
    double first = model.predict(rows.get(0).getAs("features"));
    long built = Network.builtCount();
    double sum = 0;
    for (int i = 0; i < 10_000; i++) {
      sum += model.predict(rows.get(i % rows.size()).getAs("features"));
    }
    assertEquals(built, Network.builtCount(), "networks built by 10 000 single-row predictions");
    assertTrue(Double.isFinite(sum));
    assertEquals(first, model.predict(rows.get(0).getAs("features")), 0.0);
  }

  /** Iris's 4 features into 8 tanh units and a 3-unit softmax, Adam. */
  private static NeuralNetClassifier irisClassifier() {
    return new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(8).activation("tanh"),
            Dense.units(3).activation("softmax")))
        .setOptimizer("adam");
  }
}
