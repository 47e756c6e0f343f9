package dev.sparkdl.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Access to the PyTorch engine: loads it once per JVM, offline when the CPU natives are on the
 * class path, and sets per-thread switches (grad mode, intra-op threads).
 */
public final class Engines {
  private static final String NATIVES = "native/lib/pytorch.properties";
  private static volatile Engine engine;

  private Engines() {}

  /**
   * Returns the PyTorch engine, loading it on first use. When neither {@code ai.djl.offline} nor
   * {@code DJL_OFFLINE} is set and the {@code pytorch-native-cpu} jar is on the class path, DJL is
   * put in offline mode so that no metadata request leaves the machine.
   *
   * @return the engine
   */
  public static Engine pytorch() {
    Engine e = engine;
    if (e == null) {
      synchronized (Engines.class) {
        if (engine == null) {
          if (System.getProperty("ai.djl.offline") == null
              && System.getenv("DJL_OFFLINE") == null
              && Engines.class.getClassLoader().getResource(NATIVES) != null) {
            System.setProperty("ai.djl.offline", "true");
          }
          engine = Engine.getEngine("PyTorch");
        }
        e = engine;
      }
    }
    return e;
  }

  /**
   * Sets PyTorch's intra-op thread count if it differs (a cheap call otherwise).
   *
   * @param threads threads for one operator, &gt;= 1
   */
  public static void setIntraOpThreads(int threads) {
    pytorch();
    if (threads >= 1 && JniUtils.getNumThreads() != threads) {
      JniUtils.setNumThreads(threads);
    }
  }

  /** @return PyTorch's current intra-op thread count */
  public static int intraOpThreads() {
    pytorch();
    return JniUtils.getNumThreads();
  }

  /** @return the PyTorch version the engine runs */
  public static String version() {
    return pytorch().getVersion();
  }

  /** The values of the {@code device} param. */
  public static final java.util.List<String> DEVICES = java.util.List.of("auto", "cpu", "gpu");

  /**
   * The device a task computes on.
   *
   * @param mode {@code cpu}; {@code gpu} (the task must have a GPU address and the engine CUDA
   *     natives); {@code auto} (the GPU when both are there, else the CPU)
   * @param gpuAddress the GPU address Spark assigned to the task (resource {@code gpu}), or null
   * @return the device
   * @throws IllegalStateException for {@code gpu} without an assigned GPU or CUDA natives
   */
  public static ComputeDevice device(String mode, String gpuAddress) {
    if ("cpu".equals(mode)) {
      return ComputeDevice.CPU;
    }
    int gpus = pytorch().getGpuCount();
    if ("gpu".equals(mode)) {
      if (gpuAddress == null) {
        throw new IllegalStateException(
            "device=gpu, but Spark assigned no GPU to this task. Set"
                + " spark.executor.resource.gpu.amount and spark.task.resource.gpu.amount (and a"
                + " discovery script), or use device=auto.");
      }
      if (gpus == 0) {
        throw new IllegalStateException(
            "device=gpu, but the PyTorch engine sees no GPU: the CPU natives are on the class"
                + " path. Use DJL's CUDA natives instead (docs/cli.md, \"GPUs\").");
      }
    }
    if (gpuAddress != null && gpus > 0) {
      return new ComputeDevice(true, Integer.parseInt(gpuAddress.trim()));
    }
    return ComputeDevice.CPU;
  }

  /**
   * How many NDArrays are open in this JVM: every array of every manager under the PyTorch
   * engine's system manager (all networks, their step managers, anything not closed). For leak
   * checks: a steady state keeps this constant.
   *
   * @return the open arrays
   */
  public static long openArrays() {
    return systemManager().getManagedArrays().size();
  }

  /**
   * @return how many NDManagers are open under the PyTorch engine's system manager (a network
   *     holds one, plus one per computation in progress)
   */
  public static long openManagers() {
    return countManagers(systemManager()) - 1;
  }

  private static NDManager systemManager() {
    NDManager system = SYSTEM;
    if (system == null) {
      try (NDManager probe = pytorch().newBaseManager()) {
        system = probe.getParentManager();
      }
      SYSTEM = system;
    }
    return system;
  }

  private static volatile NDManager SYSTEM;

  private static long countManagers(NDManager m) {
    long n = 1;
    if (m instanceof BaseNDManager b) {
      try {
        java.lang.reflect.Field f = BaseNDManager.class.getDeclaredField("resources");
        f.setAccessible(true);
        Map<?, ?> resources = (Map<?, ?>) f.get(b);
        for (Object r : List.copyOf(resources.values())) {
          if (r instanceof NDManager child) {
            n += countManagers(child);
          }
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalStateException("cannot read DJL's manager tree: " + e, e);
      }
    }
    return n;
  }

  static void gradMode(boolean on) {
    JniUtils.setGradMode(on);
  }
}
