package dev.segmentation.job;

import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.publish.TablePublisher;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Publishes a run's table for warehouses and records where, which snapshot and how many rows. */
final class Publication {

  private Publication() {}

  static void publish(SparkSession spark, JobConfig config, RunMetrics metrics, String table,
      Dataset<Row> rows, String modelVersion) {
    TablePublisher publisher = new TablePublisher(spark, config.publish().root(), table);
    long published = publisher.publish(rows, config.publish().snapshotDate(),
        Map.of("model_version", modelVersion, "run_id", config.runId()));
    metrics.put("publish." + table + ".location", publisher.location());
    metrics.put("publish." + table + ".snapshot_date", config.publish().snapshotDate().toString());
    metrics.put("publish." + table + ".rows", published);
  }
}
