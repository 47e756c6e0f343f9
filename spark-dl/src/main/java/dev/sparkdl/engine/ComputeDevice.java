package dev.sparkdl.engine;

import ai.djl.Device;
import java.io.Serializable;

/**
 * Where a network computes: the CPU or one GPU. The engine's own value, so that the layers above
 * it choose devices without touching DJL types.
 *
 * @param gpu whether it is a GPU
 * @param index the GPU's index (0 for the CPU)
 */
public record ComputeDevice(boolean gpu, int index) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The CPU. */
  public static final ComputeDevice CPU = new ComputeDevice(false, 0);

  /** Checks the index. */
  public ComputeDevice {
    if (index < 0 || (!gpu && index != 0)) {
      throw new IllegalArgumentException("A device index is >= 0, and 0 for the CPU; received "
          + index);
    }
  }

  Device djl() {
    return gpu ? Device.gpu(index) : Device.cpu();
  }

  @Override
  public String toString() {
    return gpu ? "gpu(" + index + ")" : "cpu()";
  }
}
