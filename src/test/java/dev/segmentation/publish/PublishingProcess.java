package dev.segmentation.publish;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;

import dev.segmentation.config.JobConfig;
import dev.segmentation.config.TestConfigs;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One run publishing a segment table, in a JVM of its own, as a second scheduled run would. With a
 * hold file it stops in its first task once the others have written their data files, and goes on
 * only when the go file appears (never, for a run the test kills before its commit).
 */
public final class PublishingProcess {

  private static final String ROWS = "rows";
  private static final String DATE = "date";
  private static final String RUN_ID = "run-id";
  private static final String HOLD = "hold";
  private static final String GO = "go";

  private PublishingProcess() {}

  /**
   * Starts a run publishing {@code rows} rows for {@code date}; {@code hold}/{@code go} may be
   * null.
   */
  public static Process start(
      Warehouse warehouse, String date, String runId, int rows, Path hold, Path go, Path scratch)
      throws IOException {
    Properties settings = new Properties();
    settings.putAll(warehouse.settings());
    settings.putAll(warehouse.sparkConf());
    settings.put(DATE, date);
    settings.put(RUN_ID, runId);
    settings.put(ROWS, String.valueOf(rows));
    if (hold != null) {
      settings.put(HOLD, hold.toString());
      settings.put(GO, go.toString());
    }
    Path file = Files.createTempFile(scratch, runId, ".properties");
    try (var out = Files.newOutputStream(file)) {
      settings.store(out, null);
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@conf/spark-jvm.options",
                "-Xmx1g",
                "-Dlog4j2.configurationFile=conf/log4j2.properties",
                "-cp",
                System.getProperty("java.class.path"),
                PublishingProcess.class.getName(),
                file.toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(scratch.resolve(runId + ".log").toFile());
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return builder.start();
  }

  public static void main(String[] args) throws IOException {
    Properties settings = new Properties();
    try (InputStream in = new FileInputStream(args[0])) {
      settings.load(in);
    }
    SparkSession.Builder builder =
        SparkSession.builder()
            .master("local[2]")
            .appName("publishing-process")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1");
    Map<String, String> overrides = new HashMap<>();
    settings
        .stringPropertyNames()
        .forEach(
            key -> {
              if (key.startsWith("spark.")) {
                builder.config(key, settings.getProperty(key));
              } else if (key.startsWith("segmentation.")) {
                overrides.put(key, settings.getProperty(key));
              }
            });
    SparkSession spark = builder.getOrCreate();
    String runId = settings.getProperty(RUN_ID);
    Dataset<Row> rows = segmentRows(spark, runId, Integer.parseInt(settings.getProperty(ROWS)), 4);
    if (settings.containsKey(HOLD)) {
      rows = holding(rows, settings.getProperty(HOLD), settings.getProperty(GO));
    }
    JobConfig.Publish publish = TestConfigs.withOverrides(overrides).publish();
    WarehouseTable.of(spark, publish, PublishedTables.SEGMENTS)
        .publish(
            rows,
            LocalDate.parse(settings.getProperty(DATE)),
            Map.of(WarehouseTable.RUN_ID, runId, WarehouseTable.MODEL_VERSION, "model-" + runId));
    spark.stop();
  }

  /** {@code count} rows of the segment table's contract, in {@code partitions} partitions. */
  static Dataset<Row> segmentRows(SparkSession spark, String runId, int count, int partitions) {
    return PublishedTables.select(
        spark
            .range(0, count, 1, partitions)
            .select(
                concat(lit("c"), col("id").cast("string")).as("customer_id"),
                col("id").mod(3).cast("int").as("segment"),
                lit("label").as("segment_label"),
                col("id").cast("double").as("invoice_count"),
                lit(1.5).as("basket_mean"),
                lit(2.5).as("monetary"),
                lit(3.0).as("recency_days"),
                lit("model-" + runId).as("model_version"),
                lit(runId).as("run_id"),
                lit(0.5).as("p_alive"),
                lit(1.5).as("expected_purchases"),
                lit(30.0).as("expected_spend"),
                lit("P12M").as("clv_horizon"),
                lit("low").as("value_band")),
        PublishedTables.SEGMENTS_COLUMNS);
  }

  /**
   * Task 0 waits at its start until {@code go} exists; the other tasks write their files meanwhile.
   */
  private static Dataset<Row> holding(Dataset<Row> rows, String hold, String go) {
    return rows.mapPartitions(
        (MapPartitionsFunction<Row, Row>)
            iterator -> {
              if (TaskContext.getPartitionId() == 0) {
                Files.createFile(Path.of(hold));
                // A run whose test is gone does not wait forever.
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                while (!Files.exists(Path.of(go))) {
                  if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no " + go + " within 5 minutes");
                  }
                  TimeUnit.MILLISECONDS.sleep(50);
                }
              }
              return iterator;
            },
        Encoders.row(rows.schema()));
  }
}
