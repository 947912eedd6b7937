package dev.segmentation.job;

import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.publish.WarehouseTable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Publishes a run's table for warehouses and records which table, snapshot and how many rows. */
final class Publication {

  private Publication() {}

  /**
   * Publishes {@code rows} when publishing is on, as the step {@code publish}; returns what it
   * published (nothing when publishing is off).
   *
   * @param rows the table, built only when it is published
   * @param details more for the snapshot to record, beside the run id and the model version
   * @param handled what the step handled, for its log line
   */
  static List<WarehouseTable.Published> publishIfEnabled(
      SparkSession spark,
      JobConfig config,
      RunMetrics metrics,
      String table,
      Supplier<Dataset<Row>> rows,
      String modelVersion,
      Map<String, String> details,
      String handled) {
    if (!config.publish().enabled()) {
      return List.of();
    }
    return List.of(
        metrics.time(
            "publish",
            () -> publish(spark, config, metrics, table, rows.get(), modelVersion, details),
            published -> handled));
  }

  private static WarehouseTable.Published publish(
      SparkSession spark,
      JobConfig config,
      RunMetrics metrics,
      String table,
      Dataset<Row> rows,
      String modelVersion,
      Map<String, String> details) {
    Map<String, String> all = new TreeMap<>(details);
    all.put(WarehouseTable.MODEL_VERSION, modelVersion);
    all.put(WarehouseTable.RUN_ID, config.runId());
    WarehouseTable.Published published =
        WarehouseTable.of(spark, config.publish(), table)
            .publish(rows, config.publish().snapshotDate(), all);
    String prefix = "publish." + table + ".";
    metrics.put(prefix + "format", config.publish().format().name().toLowerCase(Locale.ROOT));
    metrics.put(prefix + "table", published.table());
    metrics.put(prefix + "location", published.location());
    metrics.put(prefix + "snapshot_date", published.date().toString());
    metrics.put(prefix + "rows", published.rows());
    if (!published.snapshotId().isEmpty()) {
      metrics.put(prefix + "snapshot_id", published.snapshotId());
    }
    return published;
  }
}
