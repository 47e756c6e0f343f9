package dev.sparkdl.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.spec.WeightRules.Constraint;
import dev.sparkdl.spec.WeightRules.Regularizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keras regularizers and constraints read in Keras 1, 2 and 3 forms and written back. */
class WeightRulesTest {

  private static LayerSpec dense(String args) {
    return LayerSpec.fromJson("{\"class_name\": \"Dense\", \"config\": {\"units\": 2, " + args
        + "}}");
  }

  private static WeightRules rulesOf(String args) {
    return ((Dense) dense(args)).rules();
  }

  @Test
  void regularizersInEveryKerasForm() {
    assertEquals(Regularizer.l2(0.01), rulesOf(
        "\"kernel_regularizer\": {\"class_name\": \"L2\", \"config\": {\"l2\": 0.01}}")
        .regularizers().get("kernel"));
    assertEquals(new Regularizer(0.0, 0.02), rulesOf(
        "\"kernel_regularizer\": {\"class_name\": \"L1L2\", \"config\": {\"l1\": 0.0, \"l2\":"
            + " 0.02}}").regularizers().get("kernel"));
    assertEquals(Regularizer.l1(0.3), rulesOf("\"bias_regularizer\": {\"module\":"
        + " \"keras.regularizers\", \"class_name\": \"L1\", \"config\": {\"l1\": 0.3},"
        + " \"registered_name\": null}").regularizers().get("bias"));
    assertEquals(Regularizer.l1(0.01), rulesOf("\"activity_regularizer\": \"l1\"")
        .regularizers().get("activity"));
    assertEquals(Regularizer.l2(0.01), rulesOf("\"kernel_regularizer\": \"l2\"")
        .regularizers().get("kernel"));
    assertEquals(new Regularizer(0.01, 0.01), rulesOf("\"kernel_regularizer\": \"l1_l2\"")
        .regularizers().get("kernel"));
    // Keras 1
    assertEquals(Regularizer.l2(0.01), rulesOf("\"W_regularizer\": {\"name\":"
        + " \"WeightRegularizer\", \"l1\": 0.0, \"l2\": 0.01}").regularizers().get("kernel"));
    assertEquals(new Regularizer(0.1, 0.0), rulesOf("\"activity_regularizer\": {\"name\":"
        + " \"ActivityRegularizer\", \"l1\": 0.1, \"l2\": 0.0}").regularizers().get("activity"));
  }

  @Test
  void constraintsInEveryKerasForm() {
    assertEquals(Constraint.maxNorm(2), rulesOf("\"kernel_constraint\": {\"class_name\":"
        + " \"MaxNorm\", \"config\": {\"max_value\": 2, \"axis\": 0}}").constraints().get("kernel"));
    assertEquals(Constraint.nonNeg(), rulesOf("\"bias_constraint\": {\"class_name\": \"NonNeg\","
        + " \"config\": {}}").constraints().get("bias"));
    assertEquals(Constraint.unitNorm().axis(0, 1), rulesOf("\"kernel_constraint\":"
        + " {\"class_name\": \"UnitNorm\", \"config\": {\"axis\": [0, 1]}}").constraints()
        .get("kernel"));
    assertEquals(Constraint.minMaxNorm(0.5, 1.5, 0.7), rulesOf("\"kernel_constraint\":"
        + " {\"class_name\": \"MinMaxNorm\", \"config\": {\"min_value\": 0.5, \"max_value\": 1.5,"
        + " \"rate\": 0.7, \"axis\": 0}}").constraints().get("kernel"));
    assertEquals(Constraint.maxNorm(2), rulesOf("\"kernel_constraint\": \"max_norm\"")
        .constraints().get("kernel"));
    // Keras 1
    assertEquals(Constraint.maxNorm(3), rulesOf("\"W_constraint\": {\"name\": \"MaxNorm\","
        + " \"m\": 3, \"axis\": 0}").constraints().get("kernel"));
    assertEquals(Constraint.nonNeg(), rulesOf("\"b_constraint\": {\"name\": \"NonNeg\"}")
        .constraints().get("bias"));
    assertEquals(Constraint.unitNorm(), rulesOf("\"W_constraint\": \"unitnorm\"")
        .constraints().get("kernel"));
    assertEquals(Constraint.minMaxNorm(0.5, 1.5, 0.7), rulesOf("\"b_constraint\": {\"name\":"
        + " \"MinMaxNorm\", \"low\": 0.5, \"high\": 1.5, \"rate\": 0.7, \"axis\": 0}")
        .constraints().get("bias"));
  }

  @Test
  void everyRegularizedLayerReadsItsArguments() {
    Recurrent lstm = (Recurrent) LayerSpec.fromJson("{\"class_name\": \"LSTM\", \"config\":"
        + " {\"units\": 3, \"recurrent_regularizer\": {\"class_name\": \"L2\", \"config\": {\"l2\":"
        + " 0.1}}, \"recurrent_constraint\": {\"class_name\": \"MaxNorm\", \"config\":"
        + " {\"max_value\": 1, \"axis\": 0}}}}");
    assertEquals(Regularizer.l2(0.1), lstm.rules().regularizers().get("recurrent_kernel"));
    assertEquals(Constraint.maxNorm(1), lstm.rules().constraints().get("recurrent_kernel"));
    Recurrent k1 = (Recurrent) LayerSpec.fromJson("{\"class_name\": \"GRU\", \"config\":"
        + " {\"output_dim\": 3, \"U_regularizer\": {\"name\": \"WeightRegularizer\", \"l1\": 0.0,"
        + " \"l2\": 0.2}, \"b_constraint\": {\"name\": \"NonNeg\"}}}");
    assertEquals(Regularizer.l2(0.2), k1.rules().regularizers().get("recurrent_kernel"));
    assertEquals(Constraint.nonNeg(), k1.rules().constraints().get("bias"));
    Embedding e = (Embedding) LayerSpec.fromJson("{\"class_name\": \"Embedding\", \"config\":"
        + " {\"input_dim\": 10, \"output_dim\": 4, \"embeddings_regularizer\": {\"class_name\":"
        + " \"L1\", \"config\": {\"l1\": 0.5}}, \"embeddings_constraint\": \"non_neg\"}}");
    assertEquals(Regularizer.l1(0.5), e.rules().regularizers().get("embeddings"));
    assertEquals(Constraint.nonNeg(), e.rules().constraints().get("embeddings"));
    Conv2D c = (Conv2D) LayerSpec.fromJson("{\"class_name\": \"Conv2D\", \"config\":"
        + " {\"filters\": 2, \"kernel_size\": 3, \"kernel_constraint\": {\"class_name\":"
        + " \"MaxNorm\", \"config\": {\"max_value\": 2, \"axis\": [0, 1, 2]}}}}");
    assertEquals(Constraint.maxNorm(2).axis(0, 1, 2), c.rules().constraints().get("kernel"));
    Conv1D c1 = (Conv1D) LayerSpec.fromJson("{\"class_name\": \"Conv1D\", \"config\":"
        + " {\"filters\": 2, \"kernel_size\": 3, \"activity_regularizer\": \"l2\"}}");
    assertEquals(Regularizer.l2(0.01), c1.rules().regularizers().get("activity"));
  }

  @Test
  void badArgumentsAreRefusedNamingLayerAndArgument() {
    String m = assertThrows(SpecException.class, () -> dense("\"kernel_regularizer\":"
        + " {\"class_name\": \"L2\", \"config\": {\"l2\": -1}}")).getMessage();
    assertTrue(m.contains("Dense: `kernel_regularizer`") && m.contains("l2=-1"), m);
    m = assertThrows(SpecException.class, () -> dense("\"kernel_regularizer\":"
        + " {\"class_name\": \"L2\", \"config\": {\"l3\": 1}}")).getMessage();
    assertTrue(m.contains("Dense: `kernel_regularizer`: unsupported argument `l3`"), m);
    m = assertThrows(SpecException.class, () -> dense("\"bias_regularizer\": \"l3\""))
        .getMessage();
    assertTrue(m.contains("Dense: `bias_regularizer`: unsupported regularizer 'l3'"), m);
    m = assertThrows(SpecException.class, () -> dense("\"kernel_constraint\":"
        + " {\"class_name\": \"MaxNorm\", \"config\": {\"max_value\": \"big\"}}")).getMessage();
    assertTrue(m.contains("Dense: `kernel_constraint`: max_value must be a number"), m);
    m = assertThrows(SpecException.class, () -> dense("\"kernel_constraint\":"
        + " {\"class_name\": \"RadialConstraint\", \"config\": {}}")).getMessage();
    assertTrue(m.contains("Dense: `kernel_constraint`: unsupported constraint"
        + " 'RadialConstraint'"), m);
    m = assertThrows(SpecException.class, () -> dense("\"kernel_constraint\":"
        + " {\"class_name\": \"MaxNorm\", \"config\": {\"axis\": \"x\"}}")).getMessage();
    assertTrue(m.contains("Dense: `kernel_constraint`: axis must be an integer"), m);
    m = assertThrows(SpecException.class, () -> LayerSpec.fromJson("{\"class_name\":"
        + " \"BatchNormalization\", \"config\": {\"gamma_regularizer\": \"l2\"}}")).getMessage();
    assertTrue(m.contains("gamma_regularizer"), m);
    m = assertThrows(SpecException.class, () -> Dense.units(2).rules(WeightRules.NONE
        .regularizer("embeddings", Regularizer.l2(1)))).getMessage();
    assertTrue(m.contains("Dense has no weight `embeddings`"), m);
  }

  @Test
  void rulesRoundTripThroughKerasJson() {
    WeightRules all = WeightRules.NONE
        .regularizer("kernel", Regularizer.l2(0.01))
        .regularizer("bias", Regularizer.l1(0.02))
        .regularizer("activity", new Regularizer(0.1, 0.2))
        .constraint("kernel", Constraint.maxNorm(3).axis(0, 1))
        .constraint("bias", Constraint.nonNeg());
    List<LayerSpec> layers = List.of(
        Dense.units(3).rules(all).activation("relu"),
        Conv2D.filters(4).rules(all.constraint("kernel", Constraint.minMaxNorm(0.1, 2, 0.5))),
        Conv1D.filters(2, 3).rules(all.constraint("kernel", Constraint.unitNorm())),
        Embedding.of(10, 3).rules(WeightRules.NONE.regularizer("embeddings", Regularizer.l2(1))
            .constraint("embeddings", Constraint.nonNeg())),
        Recurrent.gru(3).rules(all.regularizer("recurrent_kernel", Regularizer.l1(0.5))
            .constraint("recurrent_kernel", Constraint.unitNorm())).returnSequences(true));
    for (LayerSpec l : layers) {
      String json = l.toJson();
      assertEquals(l, LayerSpec.fromJson(json), json);
    }
    String json = layers.get(0).toJson();
    assertTrue(json.contains("\"kernel_regularizer\":{\"class_name\":\"L2\",\"config\":{\"l2\":"
        + "0.01}}"), json);
    assertTrue(json.contains("\"activity_regularizer\":{\"class_name\":\"L1L2\""), json);
    assertTrue(json.contains("\"kernel_constraint\":{\"class_name\":\"MaxNorm\",\"config\":"
        + "{\"max_value\":3.0,\"axis\":[0,1]}}"), json);
    // the withers keep the rules
    assertEquals(all, ((Dense) layers.get(0)).rules());
  }
}
