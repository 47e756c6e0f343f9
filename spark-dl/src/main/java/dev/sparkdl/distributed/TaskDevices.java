package dev.sparkdl.distributed;

import dev.sparkdl.engine.ComputeDevice;
import dev.sparkdl.engine.Engines;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/** The device of the running Spark task, from the {@code device} param and Spark's resources. */
final class TaskDevices {
  private TaskDevices() {}

  /**
   * @param mode auto, cpu or gpu
   * @return the task's device: the GPU Spark assigned to this task (resource {@code gpu}) when
   *     the mode allows it, else the CPU
   */
  static ComputeDevice current(String mode) {
    String address = null;
    TaskContext ctx = TaskContext.get();
    if (ctx != null && !"cpu".equals(mode)) {
      scala.Option<ResourceInformation> gpu = ctx.resources().get("gpu");
      if (gpu.isDefined() && gpu.get().addresses().length > 0) {
        address = gpu.get().addresses()[0];
      }
    }
    return Engines.device(mode, address);
  }
}
