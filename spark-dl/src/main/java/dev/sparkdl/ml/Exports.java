package dev.sparkdl.ml;

import dev.sparkdl.engine.Tensor;
import dev.sparkdl.export.KerasExport;
import dev.sparkdl.export.OnnxExport;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Writes a fitted model as ONNX or as a Keras 3 {@code .keras} file to any Hadoop path. */
final class Exports {
  private Exports() {}

  static void onnx(NeuralNetModel model, String path, boolean overwrite) {
    requirePlainHead(model, "ONNX");
    List<Tensor> weights = model.kerasWeights();
    byte[] bytes = OnnxExport.toBytes(model.network(), weights, Versions.sparkDl());
    write(path, overwrite, out -> out.write(bytes));
  }

  static void keras(NeuralNetModel model, String path, boolean overwrite) {
    requirePlainHead(model, "a .keras file");
    List<Tensor> weights = model.kerasWeights();
    write(path, overwrite,
        out -> KerasExport.write(model.network(), model.compileOptions(), weights, out));
  }

  /**
   * A distribution head's outputs are the distribution's raw parameters (a softplus'd σ, a log
   * rate) and its loss is a negative log-likelihood Keras does not name: an export would silently
   * give other numbers than {@code prediction}.
   */
  private static void requirePlainHead(NeuralNetModel model, String format) {
    if (model instanceof DistributionParams d && !"normal_fixed".equals(d.getDistribution())) {
      throw new IllegalArgumentException("Exporting to " + format + " is not supported for a"
          + " model with distribution '" + d.getDistribution() + "': its outputs are the"
          + " distribution's raw parameters, not the prediction. Export a model with"
          + " distribution 'normal_fixed', or score with transform().");
    }
  }

  private interface Writer {
    void write(OutputStream out) throws IOException;
  }

  private static void write(String path, boolean overwrite, Writer w) {
    try {
      Path target = new Path(path);
      FileSystem fs = target.getFileSystem(Plots.hadoopConf(null));
      if (!overwrite && fs.exists(target)) {
        throw new IllegalArgumentException("Path " + path + " already exists. To replace it,"
            + " pass overwrite=true (CLI: --overwrite), or choose another path.");
      }
      try (OutputStream out = fs.create(target, true)) {
        w.write(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write " + path + ": " + e.getMessage(), e);
    }
  }
}
