package dev.segmentation.job;

import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.publish.TablePublisher;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Publishes a run's table for warehouses and records where, which snapshot and how many rows. */
final class Publication {

  private Publication() {}

  static void publish(SparkSession spark, JobConfig config, RunMetrics metrics, String table,
      Dataset<Row> rows, String modelVersion) {
    publish(spark, config, metrics, table, rows, modelVersion, Map.of());
  }

  /** @param details more for the manifest to record about this snapshot */
  static void publish(SparkSession spark, JobConfig config, RunMetrics metrics, String table,
      Dataset<Row> rows, String modelVersion, Map<String, Object> details) {
    TablePublisher publisher = new TablePublisher(spark, config.publish().root(), table);
    Map<String, Object> all = new TreeMap<>(details);
    all.put("model_version", modelVersion);
    all.put("run_id", config.runId());
    long published = publisher.publish(rows, config.publish().snapshotDate(), all);
    metrics.put("publish." + table + ".location", publisher.location());
    metrics.put("publish." + table + ".snapshot_date", config.publish().snapshotDate().toString());
    metrics.put("publish." + table + ".rows", published);
  }
}
