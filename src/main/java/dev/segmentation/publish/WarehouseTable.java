package dev.segmentation.publish;

import dev.segmentation.config.JobConfig;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A table published for warehouses, partitioned by {@link PublishedTables#SNAPSHOT_COLUMN}: each
 * publish replaces the rows of its own date and leaves every other date as it was.
 */
public interface WarehouseTable {

  /** Recorded with every publish: the run and the models behind it. */
  String RUN_ID = "run_id";

  String MODEL_VERSION = "model_version";

  /** The models/ folder of the training run (segment table only). */
  String MODELS = "models";

  /**
   * What a publish committed.
   *
   * @param table how readers name the table: the catalog identifier, or the folder
   * @param snapshotId Iceberg's snapshot id; empty for Parquet
   */
  record Published(String table, String location, LocalDate date, long rows, String snapshotId) {}

  /**
   * The newest publish.
   *
   * @param details what it recorded ({@link #RUN_ID}, {@link #MODEL_VERSION}, ...)
   * @param rows its date's rows as it published them
   */
  record Current(LocalDate date, Map<String, String> details, Dataset<Row> rows) {}

  /** The table {@code name} of the configured format and catalog. */
  static WarehouseTable of(SparkSession spark, JobConfig.Publish publish, String name) {
    if (!publish.enabled()) {
      throw new IllegalStateException("publishing is off: segmentation.publish.root is empty");
    }
    return switch (publish.format()) {
      case ICEBERG -> new IcebergTable(spark, publish, name);
      case PARQUET -> new ParquetTable(spark, publish.root(), name);
    };
  }

  /**
   * Replaces the rows of {@code date} with {@code rows} (the contract's data columns), recording
   * {@code details}, which must hold {@link #RUN_ID}.
   */
  Published publish(Dataset<Row> rows, LocalDate date, Map<String, String> details);

  /** The newest publish, if the table has one. */
  Optional<Current> current();
}
