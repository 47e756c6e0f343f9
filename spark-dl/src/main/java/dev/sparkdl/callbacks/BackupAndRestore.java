package dev.sparkdl.callbacks;

import dev.sparkdl.spec.Config;
import dev.sparkdl.spec.SpecException;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Keras' {@code BackupAndRestore}: after every epoch, writes what the fit needs to continue into
 * {@code backup_dir} (any Hadoop file system); a fit that was interrupted (a killed driver, a lost
 * cluster) and is started again with the same params and backup dir resumes after its last
 * completed epoch, and ends with the weights an uninterrupted run would have had, bit for bit.
 * The backup is the averaged weights the next round starts from, the optimizer state (with the
 * averaging's outer momentum), the history and a learning rate a callback set; it is written to
 * a temporary file and renamed, so a kill during the write leaves the previous backup intact.
 * When the fit completes, the backup is deleted ({@code delete_checkpoint}, default true).
 * Callbacks' own counters (EarlyStopping's patience) start afresh, as in Keras.
 */
public final class BackupAndRestore implements KerasCallback {
  private static final Pattern FILE = Pattern.compile("epoch-(\\d+)\\.backup");

  private final String backupDir;
  private final boolean deleteCheckpoint;

  /**
   * @param backupDir a directory on any Hadoop file system for this fit alone
   * @param deleteCheckpoint delete the backup when the fit completes
   */
  public BackupAndRestore(String backupDir, boolean deleteCheckpoint) {
    if (backupDir == null || backupDir.isBlank()) {
      throw new SpecException("BackupAndRestore: backup_dir is required, a directory on any"
          + " Hadoop file system used by this fit alone, e.g. hdfs:///backups/my-job.");
    }
    this.backupDir = backupDir;
    this.deleteCheckpoint = deleteCheckpoint;
  }

  /** @param backupDir a directory on any Hadoop file system for this fit alone */
  public BackupAndRestore(String backupDir) {
    this(backupDir, true);
  }

  static BackupAndRestore read(Config c) {
    Object saveFreq = c.optRaw("save_freq");
    if (saveFreq != null && !"epoch".equals(saveFreq)) {
      throw new SpecException("BackupAndRestore: only save_freq=\"epoch\" is supported."
          + " Received: save_freq=" + saveFreq);
    }
    if (!c.has("backup_dir")) {
      throw new SpecException("BackupAndRestore: config needs \"backup_dir\", a directory on any"
          + " Hadoop file system used by this fit alone.");
    }
    return new BackupAndRestore(c.optString("backup_dir", null),
        c.optBoolean("delete_checkpoint", true));
  }

  @Override
  public String className() {
    return "BackupAndRestore";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("backup_dir", backupDir);
    m.put("save_freq", "epoch");
    m.put("delete_checkpoint", deleteCheckpoint);
    return m;
  }

  /** @return the backup directory */
  public String backupDir() {
    return backupDir;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs, double seconds,
      TrainingContext context) {
    TrainingContext.Backup b = context.backup();
    Path dir = new Path(backupDir);
    try {
      FileSystem fs = dir.getFileSystem(context.hadoopConf());
      fs.mkdirs(dir);
      Path tmp = new Path(dir, "_tmp-" + UUID.randomUUID());
      try (OutputStream os = fs.create(tmp, false);
          ObjectOutputStream out = new ObjectOutputStream(os)) {
        out.writeObject(b);
      }
      Path target = new Path(dir, String.format("epoch-%06d.backup", b.epoch()));
      fs.delete(target, false);
      if (!fs.rename(tmp, target)) {
        fs.delete(tmp, false);
        throw new IOException("could not rename " + tmp + " to " + target);
      }
      for (FileStatus s : fs.listStatus(dir)) {
        String name = s.getPath().getName();
        Matcher m = FILE.matcher(name);
        if ((m.matches() && Integer.parseInt(m.group(1)) < b.epoch()) || name.startsWith("_tmp-")
            && !s.getPath().equals(tmp)) {
          fs.delete(s.getPath(), false);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("BackupAndRestore could not write the backup of epoch "
          + epoch + " to " + backupDir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void onTrainEnd(TrainingContext context) {
    if (!deleteCheckpoint) {
      return;
    }
    Path dir = new Path(backupDir);
    try {
      dir.getFileSystem(context.hadoopConf()).delete(dir, true);
    } catch (IOException e) {
      System.err.println("WARNING: BackupAndRestore could not delete " + backupDir + ": "
          + e.getMessage());
    }
  }

  /**
   * The last completed epoch's backup, if the directory holds one.
   *
   * @param conf the Hadoop configuration
   * @return the backup, or null if there is none
   * @throws UncheckedIOException if a backup exists but cannot be read
   */
  public TrainingContext.Backup latest(Configuration conf) {
    Path dir = new Path(backupDir);
    try {
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.exists(dir)) {
        return null;
      }
      Path newest = null;
      int newestEpoch = -1;
      for (FileStatus s : fs.listStatus(dir)) {
        Matcher m = FILE.matcher(s.getPath().getName());
        if (m.matches() && Integer.parseInt(m.group(1)) > newestEpoch) {
          newestEpoch = Integer.parseInt(m.group(1));
          newest = s.getPath();
        }
      }
      if (newest == null) {
        return null;
      }
      try (InputStream is = fs.open(newest); ObjectInputStream in = new ObjectInputStream(is)) {
        return (TrainingContext.Backup) in.readObject();
      } catch (ClassNotFoundException | ClassCastException e) {
        throw new IOException("not a spark-dl backup (" + e + ")", e);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("BackupAndRestore could not read the backup in " + backupDir
          + ": " + e.getMessage() + ". Delete the directory to start the fit afresh.", e);
    }
  }
}
