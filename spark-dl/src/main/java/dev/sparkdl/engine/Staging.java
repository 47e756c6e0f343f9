package dev.sparkdl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A direct buffer reused for the float arrays a network hands to PyTorch at every step (inputs,
 * targets, dropout masks). DJL copies a Java {@code float[]} into a freshly allocated direct
 * buffer that PyTorch then uses without a copy, and that buffer is freed only when the garbage
 * collector finds it: scoring 10 000 MNIST rows left 32 MB of such buffers behind per call, all
 * malloc'd memory that the process kept resident after they were collected (glibc keeps freed
 * memory below its trim threshold). One buffer per use, grown when needed, allocates nothing per
 * step.
 *
 * <p>An array made here aliases the buffer: it must be closed (its step's manager closed)
 * before the next call of {@link #array}. One thread at a time, as the network that owns it.
 */
final class Staging {
  private ByteBuffer buffer;

  /**
   * @param manager the manager of the new array (a step's)
   * @param values the values; the first {@code shape.size()} are used
   * @param shape the array's shape
   * @return an array of {@code values} in {@code shape}, backed by this buffer
   */
  NDArray array(NDManager manager, float[] values, Shape shape) {
    int n = Math.toIntExact(shape.size());
    if (values.length < n) {
      throw new IllegalArgumentException(
          "shape " + shape + " needs " + n + " values, received " + values.length);
    }
    int bytes = n * Float.BYTES;
    if (buffer == null || buffer.capacity() < bytes) {
      // a little headroom: a batch a few rows larger does not reallocate
      buffer = ByteBuffer.allocateDirect(Math.max(bytes, 64) + bytes / 8)
          .order(ByteOrder.nativeOrder());
    }
    ByteBuffer view = buffer.duplicate();
    view.clear();
    view.limit(bytes);
    view = view.slice().order(ByteOrder.nativeOrder());
    view.asFloatBuffer().put(values, 0, n);
    return manager.create(view, shape, DataType.FLOAT32);
  }
}
