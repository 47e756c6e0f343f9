package dev.sparkdl.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Objects;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Spark's DefaultReadWriteTest checks, in Java: every param, and scored rows. */
public final class StageAssertions {
  private StageAssertions() {}

  /** Asserts equal uid and, for every param, equal set/default state and value. */
  public static void assertSameParams(Params expected, Params actual) {
    assertEquals(expected.uid(), actual.uid(), "uid");
    assertEquals(expected.params().length, actual.params().length, "number of params");
    for (Param<?> p : expected.params()) {
      @SuppressWarnings("unchecked")
      Param<Object> q = (Param<Object>) actual.getParam(p.name());
      assertEquals(expected.isSet(p), actual.isSet(q), "isSet(" + p.name() + ")");
      assertEquals(expected.hasDefault(p), actual.hasDefault(q), "hasDefault(" + p.name() + ")");
      assertEquals(expected.isDefined(p), actual.isDefined(q), "isDefined(" + p.name() + ")");
      if (expected.isDefined(p)) {
        Object a = expected.getOrDefault(p);
        Object b = actual.getOrDefault(q);
        assertTrue(Objects.deepEquals(a, b), "param " + p.name() + ": " + a + " vs " + b);
      }
    }
  }

  /** @return the largest |difference| between two vector columns of the same rows */
  public static double maxDifference(Dataset<Row> a, Dataset<Row> b, String col) {
    List<Row> x = a.select(col).collectAsList();
    List<Row> y = b.select(col).collectAsList();
    assertEquals(x.size(), y.size(), "row count");
    double max = 0;
    for (int i = 0; i < x.size(); i++) {
      double[] u = ((Vector) x.get(i).get(0)).toArray();
      double[] v = ((Vector) y.get(i).get(0)).toArray();
      assertEquals(u.length, v.length);
      for (int j = 0; j < u.length; j++) {
        max = Math.max(max, Math.abs(u[j] - v[j]));
      }
    }
    return max;
  }
}
