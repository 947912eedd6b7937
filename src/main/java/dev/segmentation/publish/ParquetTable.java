package dev.segmentation.publish;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * A folder of Parquet files, {@code <root>/<table>/snapshot_date=D/}, for readers without Iceberg,
 * written by Spark's dynamic partition overwrite: the rows go to a hidden staging folder, and at
 * the job's commit Spark deletes the date's folder and renames the new one into its place. On HDFS
 * and local disks that rename is atomic; on an object store it copies file by file, so a reader can
 * see part of a date while it runs. The newest date is the current snapshot; its rows carry the run
 * id and model version.
 */
final class ParquetTable implements WarehouseTable {

  private final SparkSession spark;
  private final Path location;

  ParquetTable(SparkSession spark, String root, String table) {
    this.spark = spark;
    this.location = new Path(new Path(root), table);
  }

  @Override
  public Published publish(Dataset<Row> rows, LocalDate date, Map<String, String> details) {
    rows.withColumn(PublishedTables.SNAPSHOT_COLUMN, lit(date))
        .write()
        .mode(SaveMode.Overwrite)
        .option("partitionOverwriteMode", "dynamic")
        .partitionBy(PublishedTables.SNAPSHOT_COLUMN)
        .parquet(location.toString());
    Path partition = partition(date);
    long published = 0;
    if (exists(partition)) {
      // A run without rows writes no folder, so the date may still hold an earlier run's rows.
      List<Row> byRun =
          spark.read().parquet(partition.toString()).groupBy(RUN_ID).count().collectAsList();
      if (byRun.size() == 1 && byRun.get(0).getString(0).equals(details.get(RUN_ID))) {
        published = byRun.get(0).getLong(1);
      } else {
        delete(partition);
      }
    }
    return new Published(location.toString(), location.toString(), date, published, "");
  }

  @Override
  public Optional<Current> current() {
    Optional<LocalDate> newest = dates().stream().max(LocalDate::compareTo);
    if (newest.isEmpty()) {
      return Optional.empty();
    }
    Dataset<Row> rows =
        spark
            .read()
            .parquet(location.toString())
            .where(col(PublishedTables.SNAPSHOT_COLUMN).equalTo(lit(newest.get())));
    List<Row> first = rows.select(RUN_ID, MODEL_VERSION).limit(1).collectAsList();
    Map<String, String> details =
        first.isEmpty()
            ? Map.of()
            : Map.of(RUN_ID, first.get(0).getString(0), MODEL_VERSION, first.get(0).getString(1));
    return Optional.of(new Current(newest.get(), details, rows));
  }

  private List<LocalDate> dates() {
    String prefix = PublishedTables.SNAPSHOT_COLUMN + "=";
    try {
      FileSystem fs = fileSystem();
      if (!fs.exists(location)) {
        return List.of();
      }
      return Arrays.stream(fs.listStatus(location))
          .filter(FileStatus::isDirectory)
          .map(status -> status.getPath().getName())
          .filter(name -> name.startsWith(prefix))
          .map(name -> LocalDate.parse(name.substring(prefix.length())))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + location, e);
    }
  }

  private Path partition(LocalDate date) {
    return new Path(location, PublishedTables.SNAPSHOT_COLUMN + "=" + date);
  }

  private boolean exists(Path path) {
    try {
      return fileSystem().exists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach " + path, e);
    }
  }

  private void delete(Path path) {
    try {
      fileSystem().delete(path, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path, e);
    }
  }

  private FileSystem fileSystem() throws IOException {
    return location.getFileSystem(spark.sparkContext().hadoopConfiguration());
  }
}
