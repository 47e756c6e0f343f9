package dev.sparkdl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Optimizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Job files: a complete one parses; each kind of mistake is named with its key. */
public class JobFileTest {
  /** A valid job file that sets every key; other tests start from it. */
  public static final String GOOD = """
      {
        "train": {"path": "data/train.csv", "format": "csv", "options": {"sep": ";"}},
        "test": "data/test.parquet",
        "features": ["a", "b"],
        "label": "y",
        "task": "classification",
        "layers": [{"class_name": "Dense", "config": {"units": 8, "activation": "relu"}},
                   {"class_name": "Dense", "config": {"units": 3, "activation": "softmax"}}],
        "inputShape": [2],
        "compile": {"loss": "categorical_crossentropy",
                    "optimizer": {"class_name": "SGD", "config": {"learning_rate": 0.1, "momentum": 0.9}},
                    "metrics": ["acc"]},
        "fit": {"epochs": 5, "batchSize": 16, "numWorkers": 2, "averagingFrequency": 4,
                "minBatchesPerWorker": 4, "outerMomentum": 0.5, "learningRateScaling": "linear",
                "warmupEpochs": 1.5, "batchNormStatistics": "average",
                "seed": 12345678901, "validationSplit": 0.1, "verbose": 0, "device": "cpu"},
        "output": "models/m",
        "overwrite": true
      }""";

  static String fails(String json) {
    return assertThrows(JobFileException.class, () -> JobFile.parse(json)).getMessage();
  }

  @Test
  void aCompleteJobParses() {
    JobFile j = JobFile.parse(GOOD);
    assertEquals("csv", j.train().format());
    assertEquals(";", j.train().options().get("sep"));
    assertEquals("parquet", j.test().format());
    assertEquals(List.of("a", "b"), j.featureColumns());
    assertNull(j.featuresColumn());
    assertTrue(j.classification());
    assertEquals(List.of(2), j.network().inputShape());
    assertEquals(Dense.units(8).activation("relu"), j.network().layers().get(0));
    assertEquals(new Optimizer.SGD(0.1, 0.9, false), j.optimizer());
    assertEquals(List.of("accuracy"), j.metrics());
    assertEquals(12345678901L, j.fit().seed());
    assertEquals(4, j.fit().averagingFrequency());
    assertEquals(4, j.fit().minBatchesPerWorker());
    assertEquals(0.5, j.fit().outerMomentum());
    assertEquals("linear", j.fit().learningRateScaling());
    assertEquals(1.5, j.fit().warmupEpochs());
    assertEquals("average", j.fit().batchNormStatistics());
    assertTrue(j.overwrite());
  }

  @Test
  void theNewerLossesAndOptimizersParse() {
    JobFile j = JobFile.parse(GOOD.replace("\"loss\": \"categorical_crossentropy\"",
            "\"loss\": {\"class_name\": \"CategoricalFocalCrossentropy\", \"config\":"
                + " {\"gamma\": 1.0, \"label_smoothing\": 0.1}}")
        .replace("{\"class_name\": \"SGD\", \"config\": {\"learning_rate\": 0.1,"
            + " \"momentum\": 0.9}}",
            "{\"class_name\": \"Nadam\", \"config\": {\"clipnorm\": 1.0}}"));
    assertEquals(dev.sparkdl.spec.Loss.of("categorical_focal_crossentropy")
        .withFocal(0.25, 1.0, false).withLabelSmoothing(0.1), j.loss());
    assertEquals(new Optimizer.Nadam(0.001, 0.9, 0.999, 1e-7,
        new Optimizer.GradientOptions(0, 1.0, 0, 0)), j.optimizer());
    assertEquals(Optimizer.named("lion"), JobFile.parse(GOOD.replace(
        "{\"class_name\": \"SGD\", \"config\": {\"learning_rate\": 0.1,"
            + " \"momentum\": 0.9}}", "\"lion\"")).optimizer());
  }

  @Test
  void unknownKeysSuggestTheNearestValidOne() {
    String m = fails(GOOD.replace("\"label\"", "\"lable\""));
    assertTrue(m.startsWith("Unknown key \"lable\" — did you mean \"label\"?"), m);
    m = fails(GOOD.replace("\"batchSize\"", "\"batch_size\""));
    assertTrue(m.contains("Unknown key \"fit.batch_size\" — did you mean \"batchSize\"?"), m);
    assertTrue(m.contains("Valid keys of fit: epochs, batchSize"), m);
    m = fails(GOOD.replace("\"optimizer\": {\"class", "\"optimiser\": {\"class"));
    assertTrue(m.contains("Unknown key \"compile.optimiser\" — did you mean \"optimizer\"?"), m);
  }

  @Test
  void missingRequiredFieldsAreNamed() {
    String m = fails(GOOD.replace("\"output\": \"models/m\",", ""));
    assertTrue(m.startsWith("Missing required field \"output\"."), m);
    m = fails("{\"train\": \"a.csv\"}");
    assertTrue(m.startsWith("Missing required field \"features\""), m);
    m = fails(GOOD.replace("\"path\": \"data/train.csv\", ", ""));
    assertTrue(m.startsWith("Missing required field \"train.path\""), m);
  }

  @Test
  void wrongTypesAreNamed() {
    assertEquals("fit.epochs must be an integer, got the string \"five\".",
        fails(GOOD.replace("\"epochs\": 5", "\"epochs\": \"five\"")));
    assertEquals("inputShape must be a list of positive integers such as [784], got the number 2.",
        fails(GOOD.replace("\"inputShape\": [2]", "\"inputShape\": 2")));
    assertEquals("overwrite must be true or false, got the string \"yes\".",
        fails(GOOD.replace("\"overwrite\": true", "\"overwrite\": \"yes\"")));
    assertTrue(fails(GOOD.replace("\"format\": \"csv\"", "\"format\": \"cvs\""))
        .contains("train.format must be one of csv, parquet, json, libsvm, mnist-idx; got \"cvs\" — did you mean \"csv\"?"));
    assertTrue(fails(GOOD.replace("\"units\": 8", "\"units\": 0")).startsWith("layers: "));
    assertTrue(fails("{not json").startsWith("The job file is not valid JSON"));
  }

  @Test
  void fitTakesCallbacksValidationRowsAndARegressorsDistribution() {
    String regression = GOOD.replace("\"task\": \"classification\"", "\"task\": \"regression\"")
        .replace("\"validationSplit\": 0.1,", "\"validationIndicatorCol\": \"isVal\","
            + " \"distribution\": \"poisson\", \"intervalLevel\": 0.9,"
            + " \"mixtureComponents\": 3, \"callbacks\":"
            + " [{\"class_name\": \"EarlyStopping\", \"config\": {\"patience\": 2}}],");
    JobFile j = JobFile.parse(regression);
    assertEquals("poisson", j.fit().distribution());
    assertEquals(0.9, j.fit().intervalLevel());
    assertEquals(3, j.fit().mixtureComponents());
    assertEquals("isVal", j.fit().validationIndicatorCol());
    assertTrue(j.fit().callbacks().contains("EarlyStopping"), j.fit().callbacks());

    String m = fails(GOOD.replace("\"validationSplit\": 0.1,", "\"distribution\": \"normal\","));
    assertTrue(m.contains("fit.distribution, fit.intervalLevel and fit.mixtureComponents are for"
        + " regression"), m);
    m = fails(GOOD.replace("\"validationSplit\": 0.1,",
        "\"callbacks\": [{\"class_name\": \"EarlyStoping\"}],"));
    assertTrue(m.startsWith("fit.callbacks: ") && m.contains("EarlyStopping"), m);
  }
}
