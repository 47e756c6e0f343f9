package dev.sparkdl.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.spec.LearningRateSchedule.CosineDecay;
import dev.sparkdl.spec.LearningRateSchedule.CosineDecayRestarts;
import dev.sparkdl.spec.LearningRateSchedule.ExponentialDecay;
import dev.sparkdl.spec.LearningRateSchedule.InverseTimeDecay;
import dev.sparkdl.spec.LearningRateSchedule.PiecewiseConstantDecay;
import dev.sparkdl.spec.LearningRateSchedule.PolynomialDecay;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keras 3's learning-rate schedules ({@code keras/src/optimizers/schedules/
 * learning_rate_schedule.py}): values against references computed independently, Keras' JSON
 * form, and validation.
 *
 * <p>The reference values were computed with Python's {@code math} from Keras' formulas, by
 * {@code python3 /tmp/sched_ref.py} with (CosineDecayRestarts' periods found by walking them, not
 * by the closed form):
 *
 * <pre>
 * def exp(i,d,r,st,s): p=s/d; p=math.floor(p) if st else p; return i*r**p
 * def inv(i,d,r,st,s): p=s/d; p=math.floor(p) if st else p; return i/(1+r*p)
 * def poly(i,d,e,pw,cyc,s):
 *     if cyc: d=d*(1 if s==0 else math.ceil(s/d))
 *     else: s=min(s,d)
 *     return (i-e)*(1-s/d)**pw+e
 * def cos(i,d,a,wt,ws,s):
 *     if wt is None:
 *         s=min(s,d); return i*((1-a)*0.5*(1+math.cos(math.pi*s/d))+a)
 *     s=min(s,d+ws)
 *     if s&lt;ws: return (wt-i)*s/ws+i
 *     s-=ws; return wt*((1-a)*0.5*(1+math.cos(math.pi*s/d))+a)
 * def sgdr(i,fd,t,m,a,s):
 *     start,length,k=0,fd,0
 *     while s&gt;=start+length: start+=length; length*=t; k+=1
 *     frac=(s-start)/length
 *     return i*((1-a)*0.5*m**k*(1+math.cos(math.pi*frac))+a)
 * def pw(b,v,s):
 *     for bi,vi in zip(b,v):
 *         if s&lt;=bi: return vi
 *     return v[-1]
 * </pre>
 */
class LearningRateScheduleTest {

  private static void assertRates(LearningRateSchedule s, long[] steps, double... expected) {
    for (int i = 0; i < steps.length; i++) {
      double actual = s.at(steps[i]);
      double tol = 1e-9 * Math.max(Math.abs(expected[i]), 1e-300);
      assertEquals(expected[i], actual, tol, s + " at step " + steps[i]);
    }
  }

  private static long[] steps(long... s) {
    return s;
  }

  private static String fails(Executable e) {
    return assertThrows(SpecException.class, e).getMessage();
  }

  @Test
  void exponentialDecay() {
    // [exp(0.1,10,0.5,False,s) for s in (0,5,10,25)]: 0.1 * 0.5^(s/10)
    assertRates(new ExponentialDecay(0.1, 10, 0.5), steps(0, 5, 10, 25),
        0.1, 0.07071067811865477, 0.05, 0.01767766952966369);
    // staircase: 0.1 * 0.5^floor(s/10) for s in (0,9,10,25)
    assertRates(new ExponentialDecay(0.1, 10, 0.5, true), steps(0, 9, 10, 25),
        0.1, 0.1, 0.05, 0.025);
  }

  @Test
  void piecewiseConstantDecayIncludesTheBoundaryInTheEarlierPiece() {
    // Keras: values[0] while step <= 10, values[1] while 10 < step <= 20, then values[2]
    assertRates(new PiecewiseConstantDecay(List.of(10L, 20L), List.of(1.0, 0.5, 0.1)),
        steps(0, 10, 11, 20, 21, 1000), 1.0, 1.0, 0.5, 0.5, 0.1, 0.1);
  }

  @Test
  void inverseTimeDecay() {
    // 0.1 / (1 + 0.5 * s/10) for s in (0,5,10,25)
    assertRates(new InverseTimeDecay(0.1, 10, 0.5), steps(0, 5, 10, 25),
        0.1, 0.08, 0.06666666666666667, 0.044444444444444446);
    // staircase: 0.1 / (1 + 0.5 * floor(s/10)) for s in (0,9,10,25)
    assertRates(new InverseTimeDecay(0.1, 10, 0.5, true), steps(0, 9, 10, 25),
        0.1, 0.1, 0.06666666666666667, 0.05);
  }

  @Test
  void polynomialDecayClipsOrCycles() {
    // (0.1 - 0.01) * (1 - min(s,10)/10)^2 + 0.01 for s in (0,5,10,50)
    assertRates(new PolynomialDecay(0.1, 10, 0.01, 2.0, false), steps(0, 5, 10, 50),
        0.1, 0.0325, 0.01, 0.01);
    // cycle: decay_steps * ceil(s/10) (1 at s=0) for s in (0,10,11,15,25)
    assertRates(new PolynomialDecay(0.1, 10, 0.01, 2.0, true), steps(0, 10, 11, 15, 25),
        0.1, 0.01, 0.028225, 0.015625, 0.012499999999999999);
    // Keras' defaults: end 0.0001, linear: (0.1 - 0.0001) * 0.5 + 0.0001 at the middle
    assertRates(new PolynomialDecay(0.1, 10), steps(5, 10), 0.05005, 0.0001);
  }

  @Test
  void cosineDecay() {
    // 0.1 * (0.9 * 0.5 * (1 + cos(pi * min(s,10)/10)) + 0.1) for s in (0,5,10,20)
    assertRates(new CosineDecay(0.1, 10, 0.1, null, 0), steps(0, 5, 10, 20),
        0.1, 0.05500000000000001, 0.010000000000000002, 0.010000000000000002);
  }

  @Test
  void cosineDecayWarmsUpLinearlyThenDecaysFromTheTarget() {
    // from 0.0 to 0.2 over 5 steps, then cosine from 0.2 over 10 steps: s in (0,2,5,10,15,30)
    assertRates(new CosineDecay(0.0, 10, 0.0, 0.2, 5), steps(0, 2, 5, 10, 15, 30),
        0.0, 0.08, 0.2, 0.1, 0.0, 0.0);
  }

  @Test
  void cosineDecayRestarts() {
    // periods [0,10), [10,30), [30,70), ...; period k starts at 0.1 * 0.5^k; alpha 0.1
    // s in (0,5,9,10,20,25,30,40,69,70)
    assertRates(new CosineDecayRestarts(0.1, 10, 2.0, 0.5, 0.1),
        steps(0, 5, 9, 10, 20, 25, 30, 40, 69, 70),
        0.1, 0.05500000000000001, 0.012202456766718092, 0.05500000000000001, 0.0325,
        0.016590097423302683, 0.0325, 0.029204951288348657, 0.01003467999550231,
        0.021250000000000005);
    // t_mul = 1, m_mul = 1: plain restarts every 10 steps
    assertRates(new CosineDecayRestarts(0.1, 10, 1.0, 1.0, 0.0), steps(0, 5, 10, 15),
        0.1, 0.05, 0.1, 0.05);
  }

  @Test
  void cosineDecayRestartsFindsThePeriodExactlyAtEveryRestart() {
    // with t_mul = 3, period k starts at (3^k - 1) / 2 * 7 steps, where the rate is 0.1 * 0.9^k
    LearningRateSchedule s = new CosineDecayRestarts(0.1, 7, 3.0, 0.9, 0.0);
    long start = 0;
    long length = 7;
    for (int k = 0; k < 12; k++) {
      assertEquals(0.1 * Math.pow(0.9, k), s.at(start), 1e-12, "restart " + k + " at " + start);
      start += length;
      length *= 3;
    }
  }

  @Test
  void initialRateIsTheRateAtStepZero() {
    assertEquals(0.1, new ExponentialDecay(0.1, 10, 0.5).initialRate());
    assertEquals(1.0, new PiecewiseConstantDecay(List.of(3L), List.of(1.0, 0.1)).initialRate());
    assertEquals(0.0, new CosineDecay(0.0, 10, 0.0, 0.2, 5).initialRate());
  }

  static Stream<LearningRateSchedule> schedules() {
    return Stream.of(
        new ExponentialDecay(0.1, 10, 0.5, true),
        new PiecewiseConstantDecay(List.of(10L, 20L), List.of(1.0, 0.5, 0.1)),
        new InverseTimeDecay(0.1, 10, 0.5),
        new PolynomialDecay(0.1, 10, 0.01, 2.0, true),
        new CosineDecay(0.1, 10),
        new CosineDecay(0.0, 10, 0.1, 0.2, 5),
        new CosineDecayRestarts(0.1, 10, 2.0, 0.5, 0.1));
  }

  @ParameterizedTest
  @MethodSource("schedules")
  void schedulesRoundTrip(LearningRateSchedule s) {
    assertEquals(s, LearningRateSchedule.fromJson(s.toJson()), s.toJson());
    assertEquals(s, LearningRateSchedule.fromMap(s.toMap()));
    assertEquals(LearningRateSchedule.MODULE, s.toMap().get("module"));
    assertTrue(s.toMap().containsKey("registered_name"));
  }

  @ParameterizedTest
  @MethodSource("schedules")
  void scheduledOptimizersRoundTrip(LearningRateSchedule s) {
    for (String name : Optimizer.NAMES) {
      Optimizer o = new Optimizer.Scheduled(Optimizer.named(name), s);
      assertEquals(o, Optimizer.fromJson(o.toJson()), o.toJson());
      CompileOptions c = new CompileOptions(Loss.of("mse"), o, List.of("mae"));
      assertEquals(c, CompileOptions.fromJson(c.toJson()), c.toJson());
    }
  }

  @Test
  void readsAdamWithAScheduleAsKeras3WritesIt() {
    String keras =
        "{\"class_name\":\"Adam\",\"config\":{\"learning_rate\":{\"module\":"
            + "\"keras.optimizers.schedules\",\"class_name\":\"ExponentialDecay\",\"config\":"
            + "{\"initial_learning_rate\":0.1,\"decay_steps\":10,\"decay_rate\":0.5,"
            + "\"staircase\":true,\"name\":\"ExponentialDecay\"},\"registered_name\":null}}}";
    Optimizer o = Optimizer.fromJson(keras);
    LearningRateSchedule s = new ExponentialDecay(0.1, 10, 0.5, true);
    assertEquals(new Optimizer.Scheduled(new Optimizer.Adam(0.1, 0.9, 0.999, 1e-7), s), o);
    assertEquals(new Optimizer.Scheduled(Optimizer.named("adam"), s), o);
    assertEquals(s, o.schedule());
    assertEquals(new Optimizer.Adam(0.1, 0.9, 0.999, 1e-7), o.unscheduled());
    assertEquals("Adam", o.className());
    assertEquals(0.1, o.learningRate());
    assertTrue(o.hasMomentum());
    assertEquals(o, Optimizer.fromJson(o.toJson()));
    @SuppressWarnings("unchecked")
    Map<String, Object> lr = (Map<String, Object>) o.config().get("learning_rate");
    assertEquals(s.toMap(), lr);
    // Keras 2's form, without module and registered_name, and the legacy `lr` key
    assertEquals(o, Optimizer.fromJson(
        "{\"class_name\":\"Adam\",\"config\":{\"lr\":{\"class_name\":\"ExponentialDecay\","
            + "\"config\":{\"initial_learning_rate\":0.1,\"decay_steps\":10.0,"
            + "\"decay_rate\":0.5,\"staircase\":true}}}}"));
  }

  @Test
  void aConstantRateReplacesTheSchedule() {
    Optimizer o = new Optimizer.Scheduled(Optimizer.named("sgd"), new InverseTimeDecay(0.1, 10, 1));
    assertEquals(new Optimizer.SGD(0.5, 0.0, false), o.withLearningRate(0.5));
    assertNull(o.withLearningRate(0.5).schedule());
    Optimizer plain = Optimizer.named("adam");
    assertNull(plain.schedule());
    assertSame(plain, plain.unscheduled());
  }

  @Test
  void aWarmUpFromZeroKeepsTheBaseValid() {
    Optimizer o = new Optimizer.Scheduled(new Optimizer.Adam(0.5, 0.9, 0.999, 1e-7),
        new CosineDecay(0.0, 10, 0.0, 0.2, 5));
    assertEquals(0.0, o.learningRate());
    assertEquals(Optimizer.named("adam"), o.unscheduled());
    assertEquals(o, Optimizer.fromJson(o.toJson()));
  }

  @Test
  void badArgumentsFailWithKerasStyleMessages() {
    assertEquals("Received an invalid value for `decay_steps` of ExponentialDecay, expected a"
            + " positive integer (a number of optimizer steps). Received: decay_steps=0",
        fails(() -> new ExponentialDecay(0.1, 0, 0.5)));
    assertTrue(fails(() -> new ExponentialDecay(-0.1, 10, 0.5))
        .contains("initial_learning_rate=-0.1"));
    assertTrue(fails(() -> new CosineDecayRestarts(0.1, 0)).contains("first_decay_steps=0"));
    assertTrue(fails(() -> new CosineDecayRestarts(0.1, 10, 0.5, 1.0, 0.0))
        .contains("expected a finite float >= 1"));
    assertTrue(fails(() -> new CosineDecay(0.1, 10, 1.5, null, 0)).contains("alpha=1.5"));
    assertTrue(fails(() -> new PolynomialDecay(0.1, 10, 0.0, 0.0, false)).contains("power=0.0"));
    String m = fails(() -> new PiecewiseConstantDecay(List.of(10L, 20L), List.of(1.0, 0.5)));
    assertTrue(m.contains("the length of boundaries should be 1 less than the length of values"),
        m);
    assertTrue(m.contains("boundaries=[10, 20] of length 2, and values=[1.0, 0.5] of length 2"),
        m);
    m = fails(() -> new PiecewiseConstantDecay(List.of(20L, 10L), List.of(1.0, 0.5, 0.1)));
    assertTrue(m.contains("expected strictly increasing steps"), m);
  }

  @Test
  void badJsonFailsWithClearMessages() {
    String m = fails(() -> LearningRateSchedule.fromJson(
        "{\"class_name\":\"OneCycle\",\"config\":{}}"));
    assertTrue(m.contains("Unknown learning-rate schedule class_name 'OneCycle'. Known"
        + " schedules: ExponentialDecay, PiecewiseConstantDecay, InverseTimeDecay,"
        + " PolynomialDecay, CosineDecay, CosineDecayRestarts."), m);
    m = fails(() -> LearningRateSchedule.fromJson("{\"class_name\":\"ExponentialDecay\","
        + "\"config\":{\"initial_learning_rate\":0.1,\"decay_steps\":10,\"decay_rate\":0.5,"
        + "\"stair_case\":true}}"));
    assertTrue(m.contains("unsupported argument(s) [stair_case=true]"), m);
    m = fails(() -> LearningRateSchedule.fromJson("{\"class_name\":\"ExponentialDecay\","
        + "\"config\":{\"initial_learning_rate\":0.1,\"decay_steps\":10}}"));
    assertTrue(m.contains("ExponentialDecay: the config lacks `decay_rate`"), m);
    m = fails(() -> LearningRateSchedule.fromJson("{\"class_name\":\"CosineDecay\","
        + "\"config\":{\"initial_learning_rate\":0.1,\"decay_steps\":10.5}}"));
    assertTrue(m.contains("`decay_steps` of CosineDecay, expected an integer"), m);
    m = fails(() -> LearningRateSchedule.fromJson("{\"class_name\":\"PiecewiseConstantDecay\","
        + "\"config\":{\"boundaries\":[1.5],\"values\":[1.0,0.5]}}"));
    assertTrue(m.contains("expected a list of integer steps"), m);
    m = fails(() -> LearningRateSchedule.fromJson("{\"module\":\"my_project\",\"class_name\":"
        + "\"ExponentialDecay\",\"config\":{}}"));
    assertTrue(m.contains("only Keras' built-in schedules are supported"), m);
    m = fails(() -> Optimizer.fromJson(
        "{\"class_name\":\"Adam\",\"config\":{\"learning_rate\":\"fast\"}}"));
    assertTrue(m.contains("Received an invalid value for `learning_rate` of Adam, expected a"
        + " number or a schedule"), m);
    m = fails(() -> Optimizer.fromJson("{\"class_name\":\"Adam\",\"config\":{\"learning_rate\":"
        + "{\"class_name\":\"Warmup\",\"config\":{}}}}"));
    assertTrue(m.contains("Known schedules: ExponentialDecay"), m);
  }
}
