package dev.sparkdl.callbacks;

/** Lets a callback ask the trainer to stop after the current epoch. */
public final class TrainingControl {
  private boolean stopRequested;

  /** Asks the trainer to stop after the current epoch. */
  public void stop() {
    stopRequested = true;
  }

  /** @return true once a callback asked to stop */
  public boolean stopRequested() {
    return stopRequested;
  }
}
