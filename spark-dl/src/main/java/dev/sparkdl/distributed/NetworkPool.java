package dev.sparkdl.distributed;

import dev.sparkdl.engine.Network;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Networks kept per executor JVM between scoring tasks of the same model, so a transform over
 * many partitions builds each network once per thread instead of once per task. Keys name a
 * model's spec and weights; at most {@value #MODELS} models and {@value #PER_MODEL} idle
 * networks per model are kept, the least recently used model's networks are closed first.
 */
final class NetworkPool {
  static final int MODELS = 4;
  static final int PER_MODEL = 4;
  private static final LinkedHashMap<String, Deque<Network>> IDLE =
      new LinkedHashMap<>(16, 0.75f, true);

  private NetworkPool() {}

  /** @return an idle network of this model, or a new one from {@code create} */
  static Network borrow(String key, Supplier<Network> create) {
    synchronized (IDLE) {
      Deque<Network> idle = IDLE.get(key);
      if (idle != null && !idle.isEmpty()) {
        return idle.pop();
      }
    }
    return create.get();
  }

  /**
   * Closes every idle network of this JVM (networks borrowed by running tasks are closed when
   * they come back, as usual, or kept if the pool has room again).
   *
   * @return the networks closed
   */
  static int closeIdle() {
    java.util.List<Network> close = new java.util.ArrayList<>();
    synchronized (IDLE) {
      IDLE.values().forEach(close::addAll);
      IDLE.clear();
    }
    close.forEach(Network::close);
    return close.size();
  }

  /** @return the idle networks kept in this JVM */
  static int idle() {
    synchronized (IDLE) {
      return IDLE.values().stream().mapToInt(Deque::size).sum();
    }
  }

  /** Returns a network for reuse (or closes it when the pool for its model is full). */
  static void giveBack(String key, Network net) {
    Network close = net;
    synchronized (IDLE) {
      Deque<Network> idle = IDLE.computeIfAbsent(key, k -> new ArrayDeque<>());
      if (idle.size() < PER_MODEL) {
        idle.push(net);
        close = null;
      }
      while (IDLE.size() > MODELS) {
        Iterator<Map.Entry<String, Deque<Network>>> eldest = IDLE.entrySet().iterator();
        eldest.next().getValue().forEach(Network::close);
        eldest.remove();
      }
    }
    if (close != null) {
      close.close();
    }
  }
}
