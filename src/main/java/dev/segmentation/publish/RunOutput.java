package dev.segmentation.publish;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The output edge of one run: {@code <root>/<run-id>/} on any Hadoop file system. A rerun with the
 * same run id replaces what it writes.
 */
public final class RunOutput {

  private final SparkSession spark;
  private final Path runDirectory;

  public RunOutput(SparkSession spark, String root, String runId) {
    this.spark = Objects.requireNonNull(spark, "spark");
    this.runDirectory = new Path(new Path(root), runId);
  }

  public String location() {
    return runDirectory.toString();
  }

  public String pathOf(String name) {
    return new Path(runDirectory, name).toString();
  }

  public void writeTable(String name, Dataset<Row> rows, String... partitionColumns) {
    rows.write().mode(SaveMode.Overwrite).partitionBy(partitionColumns).parquet(pathOf(name));
  }

  public void writeText(String name, String text) {
    Path path = new Path(runDirectory, name);
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(path, true)) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }

  /** Copies a file of the driver's local disk into the run folder, e.g. the driver's log. */
  public void copyLocalFile(String name, java.nio.file.Path local) {
    Path path = new Path(runDirectory, name);
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      fs.copyFromLocalFile(false, true, new Path(local.toUri()), path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + local + " to " + path, e);
    }
  }
}
